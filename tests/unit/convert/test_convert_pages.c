/*
 * Held-out pages (tests/pages/): news pages written by hand for these
 * tests, modelled on the structures of real sites, one per rule of issue
 * 10 (JSON-LD graphs and arrays, microdata, dates with offsets, datelines
 * in other languages, bylines with buttons and titles, relative links,
 * related blocks, prompts, breadcrumbs, player messages, hover cards,
 * empty-div breaks, captions and credits, junk tags; a Markdown post and
 * a text dump).  Each converts as the server would (at its archive path,
 * saved on 2019-12-01, with a stub for the archive's link lookup) to its
 * golden gemtext (.gmi) and metadata (.meta); each is also checked rule
 * by rule, so that a bad golden file cannot hide a regression.  On a
 * mismatch the output is written next to the test binary as NAME.actual.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/convert.h"
#include "util/buf.h"
#include "source_file.h"

#define MAX_CHECKS 8
/* 2019-12-01T00:00:00Z: when the pages were "saved". */
#define SAVED_TIME 1575158400

struct page {
	const char *file;
	const char *must[MAX_CHECKS];     /* in the gemtext */
	const char *must_not[MAX_CHECKS]; /* nowhere in the gemtext */
};

static const struct page pages[] = {
	{ "jsonld-graph-org-author.html",
	    { "# Lottery winner in Kent claims record jackpot a week late\n",
	      "By Tom Gillespie · 2019-11-19\n" },
	    { "Harbour News", "Follow", "News reporter", "Most read" } },
	{ "jsonld-array-medical.html",
	    { "By Dana Whitfield, Oskar Lindqvist and Priya Raman · 2019-11-14\n",
	      "* Swim with others and stay close to the shore.\n" },
	    { "Written by", "Sign up", "newsletter", "WellBeing Daily" } },
	{ "microdata-authors.html",
	    { "By Miriam Okafor and Lucas Brandt · 2019-11-19\n" },
	    { "Related Coverage", "The Riverside Ledger", "Why Water Bills" } },
	{ "meta-date-offsets.html",
	    { "# Shipping insurers raise premiums for Gulf routes\n",
	      "By Farah Haddad and Andrew Pell · 2019-11-19\n",
	      "=> https://s3.wirewatch.example/media/tanker-gulf.jpg An oil tanker waits" },
	    { "Tankers wait off the coast", "- Wirewatch", "=> //s3." } },
	{ "dateline-german.html",
	    { "By Anna Schmidt · 2019-11-20\n" },
	    { "Korrespondentin", "Aktualisiert", "Lesen Sie auch", "Neue Rheinpost" } },
	{ "dateline-russian.html",
	    { "By Лида Буслаева · 2019-11-20\n" },
	    { "Текст:", "Читайте также", "Вечерний вестник", "Поделиться" } },
	{ "byline-glued-date.html",
	    { "By Carrie Arnold · 2019-11-15\n" },
	    { "ArnoldNovember", "Like this story", "Lattice Magazine" } },
	{ "byline-desk-handle.html",
	    { "By Steven Musil · 2019-11-18\n" },
	    { "@stevenmusil", "Tech Industry", "Follow", "TechBeat\n" } },
	{ "relative-links.html",
	    { "=> https://news.coastline.example/people/finds-liaison-officer finds liaison officer\n",
	      "=> /articles/2019/03/earlier-hoard.html found a smaller hoard near Canterbury\n",
	      "=> https://archaeology.example/reports/dover-2019.pdf survey's website\n",
	      "=> https://news.coastline.example/content/dam/coastline/2019/11/coins-in-tray.jpg "
	      "Roman coins laid out on a tray\n",
	      "news.coastline.example/…/treasure-law-explained\n",
	      "IMG_20191120_0712.jpg Image\n" },
	    { "=> /people", "=> /content", "=> //", "=> ../", "IMG_20191120_0712.jpg\n" } },
	{ "related-mid-article.html",
	    { "The judges praised the loaf's crust" },
	    { "More from UK", "Flood defences", "Also on", "Dairy farm", "More Great",
	      "The pub that never closed" } },
	{ "prompts-and-breadcrumbs.html",
	    { "Telescopes around the world will follow the comet" },
	    { "Home", "Science & Astronomy", "CLICK HERE", "SUBSCRIBE", "Breaking News Emails",
	      "Like this story", "All rights reserved" } },
	{ "video-gallery-italian.html",
	    { "By Giulia Ferrante · 2019-11-22\n",
	      "Le bancarelle dell'anno scorso — Foto: Marco Leoni\n",
	      "mercatino-1.jpg Le bancarelle dell'anno scorso\n" },
	    { "Media playback", "Leggi anche", "1 di 12", "zodiaco", "di Giulia" } },
	{ "hover-card.html",
	    { "South Dakota Gov. Kristi Noem on Wednesday signed a bill",
	      "The state's broadband office will publish" },
	    { "Kristi Lynn Noem", "MORE", "Economic Development", "TheCapitol" } },
	{ "empty-div-blocks.html",
	    { "on Wednesday.\n\nThe stabbing happened", "not life-threatening.\n\nOfficers said" },
	    { "Wednesday.The", "life-threatening.Officers" } },
	{ "lede-in-wrapper.html",
	    { "An airline has grounded its fleet of new long-range jets",
	      "By Dev Patel · 2019-11-18\n" },
	    { "Channel 9 Business\n", "Updated 1235 GMT" } },
	{ "junk-tags.html",
	    { "By Kenji Mori · 2019-11-19\n" },
	    { "Topics:" } },
	{ "figure-credits.html",
	    { "lab-exterior.jpg Eleven members of staff sought treatment\n",
	      "Eleven members of staff sought treatment — Credit: EPA\n",
	      "Fire crews at the entrance to the laboratory block — Photo: County Fire Service\n",
	      "lab-2.jpg Image\n", "ward.jpg Image\n" },
	    { "1535178347 1.jpg", "treatmentCredit", "lab-2.jpg Hospital staff" } },
	{ "front-matter-post.md",
	    { "By Jonas Berg and Lena Wu · 2019-11-21\n", "night-bus.jpg Image\n",
	      "=> /articles/2019/10/night-bus-campaign.md our earlier report\n" },
	    { "Transport Editor", "@lenaw", "type_news" } },
	{ "labelled-header.txt",
	    { "# Ferry fares frozen for another year\nBy Mara Quinn · 2019-11-19\n" },
	    { "Published:", "Correspondent", "@maraq", "Local news since 1902" } },
};

/* The archive's lookup, as the site layer would answer it: one earlier
 * article is archived, one Markdown post exists in the capsule. */
static const char *
stub_local_path(void *arg, const char *url)
{
	(*(int *)arg)++;
	if (strcmp(url, "https://news.coastline.example/story/"
	    "earlier-hoard-found-near-canterbury-11712001") == 0)
		return "/articles/2019/03/earlier-hoard.html";
	if (strcmp(url, "/articles/2019/10/night-bus-campaign.md") == 0)
		return url;
	return NULL;
}

static void
read_file(const char *name, struct buf *b)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/pages/%s", name);
	source_file_read(path, b);
}

static void
put_field(struct buf *b, const char *key, const char *value)
{
	buf_printf(b, "%s: %s\n", key, value != NULL ? value : "-");
}

/* The metadata, one field a line, as the .meta files hold it. */
static void
format_meta(const struct doc_meta *meta, struct buf *b)
{
	size_t k;

	put_field(b, "title", meta->title);
	put_field(b, "date", meta->date);
	put_field(b, "author", meta->author);
	put_field(b, "lang", meta->lang);
	put_field(b, "description", meta->description);
	put_field(b, "source_url", meta->source_url);
	put_field(b, "image", meta->image);
	buf_append_str(b, "tags:");
	for (k = 0; k < meta->ntags; k++)
		buf_printf(b, "%s %s", k > 0 ? " |" : "", meta->tags[k]);
	buf_append_str(b, "\n");
	buf_append(b, "", 0);
}

/* Compare with the golden file name + ext; write NAME.actual.EXT if they differ. */
static void
assert_golden(const char *file, const char *ext, const char *actual)
{
	struct buf expected = BUF_INIT, name = BUF_INIT;
	FILE *fp;

	buf_printf(&name, "%.*s.%s", (int)strcspn(file, "."), file, ext);
	read_file(name.data, &expected);
	if (strcmp(expected.data, actual) != 0) {
		buf_truncate(&name, 0);
		buf_printf(&name, "%.*s.actual.%s", (int)strcspn(file, "."), file, ext);
		if ((fp = fopen(name.data, "wb")) != NULL) {
			fputs(actual, fp);
			fclose(fp);
		}
	}
	assert_string_equal(actual, expected.data);
	buf_free(&expected);
	buf_free(&name);
}

static void
check_page(const struct page *page, int *lookups)
{
	struct convert_options opt = { .saved_time = SAVED_TIME, .local_path = stub_local_path,
	    .local_path_arg = lookups };
	struct buf input = BUF_INIT, base = BUF_INIT, meta = BUF_INIT;
	struct document *doc;
	char *out;
	size_t len, k;

	buf_printf(&base, "/articles/2019/11/%s", page->file);
	opt.base_url = base.data;
	read_file(page->file, &input);
	out = convert_article(article_format_of(page->file), input.data, input.len, &opt, &doc,
	    &len);
	assert_non_null(out);
	for (k = 0; k < MAX_CHECKS && page->must[k] != NULL; k++)
		if (strstr(out, page->must[k]) == NULL)
			fail_msg("%s: no \"%s\" in:\n%s", page->file, page->must[k], out);
	for (k = 0; k < MAX_CHECKS && page->must_not[k] != NULL; k++)
		if (strstr(out, page->must_not[k]) != NULL)
			fail_msg("%s: \"%s\" in:\n%s", page->file, page->must_not[k], out);
	assert_golden(page->file, "gmi", out);
	format_meta(&doc->meta, &meta);
	assert_golden(page->file, "meta", meta.data);
	free(out);
	document_free(doc);
	buf_free(&input);
	buf_free(&base);
	buf_free(&meta);
}

static void
test_pages(void **state)
{
	size_t i;
	int lookups = 0;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		check_page(&pages[i], &lookups);
	/* Every web link and every capsule-relative link was offered. */
	assert_true(lookups > 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
