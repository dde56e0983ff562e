/* act_replace: replacement actions (being written). */
#include "act.h"

const struct engine_action act_replace_actions[] = {
	{ "replace_placeholder", NULL, NULL, 1 },
};
const size_t act_replace_count = 0;
