/*
 * Site clutter left in an extracted article where structure could not
 * tell it from the text: newsletter, app and share prompts, "More from"
 * and "Read also" blocks with their headlines, breadcrumbs, video-player
 * messages, gallery counters, advertisement labels, copyright and
 * citation boilerplate.  Told by short phrase lists in the languages of
 * the sites we meet, and only in short blocks, so body text never goes.
 */
#ifndef CAPSULED_CONVERT_CLUTTER_H
#define CAPSULED_CONVERT_CLUTTER_H

#include "convert/document.h"

/* Remove the clutter blocks of doc. */
void clutter_clean(struct document *doc);

/* Whether a short text is boilerplate on its own (a prompt, a player
 * message, a counter, a copyright line). */
int clutter_is_boilerplate(const char *text);

#endif
