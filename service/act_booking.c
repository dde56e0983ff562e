/* act_booking: booking actions (being written). */
#include "act.h"

const struct engine_action act_booking_actions[] = {
	{ "booking_placeholder", NULL, NULL, 1 },
};
const size_t act_booking_count = 0;
