/*
 * phone: `idline phone`, a feature phone in the terminal.
 *
 * Talks to a running daemon in the Africa's Talking format, shows each
 * screen with its length and encoding against the USSD budget, and runs
 * scripted journeys (--script FILE) that fail on any mismatch.
 */
#ifndef IDLINE_PHONE_H
#define IDLINE_PHONE_H

/* argv[0] is "phone".  Returns the process exit code (0 ok, 1 a scripted
 * expectation failed or a screen exceeded the budget, 2 usage/transport). */
int	phone_main(int argc, char **argv);

#endif
