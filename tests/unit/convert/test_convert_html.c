/*
 * The HTML reader: extraction, rendering and metadata rules of
 * conversion.md §2-§4, on small synthetic pages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert/charset.h"
#include "convert/html.h"
#include "util/text.h"

#include "columns.h"

#define FILLER "The committee met on Tuesday to discuss the budget, the schedule, " \
	"and the plans for next year, which everyone agreed were ambitious. "

static struct document *
read_page(const char *html)
{
	struct convert_options opt = { .base_url = "http://example.com/news/2014/02/03/story.html" };
	struct document *doc = html_read(html, strlen(html), &opt);

	assert_non_null(doc);
	return doc;
}

/* The first block whose text contains needle, or NULL. */
static const struct doc_block *
find_block(const struct document *doc, const char *needle)
{
	size_t i;

	for (i = 0; i < doc->nblocks; i++)
		if (doc->blocks[i].text != NULL && strstr(doc->blocks[i].text, needle) != NULL)
			return &doc->blocks[i];
	return NULL;
}

static int
has_link(const struct document *doc, const char *url)
{
	size_t i, k;

	for (i = 0; i < doc->nblocks; i++)
		for (k = 0; k < doc->blocks[i].nlinks; k++)
			if (strcmp(doc->blocks[i].links[k].url, url) == 0)
				return 1;
	return 0;
}

static void
test_chrome_removed(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html><body>"
	    "<div class=\"menu\"><a href=\"/\">Home</a> <a href=\"/world\">World</a></div>"
	    "<div id=\"sidebar\"><p>Most popular stories of the week in one place here</p></div>"
	    "<nav role=\"navigation\"><a href=\"/a\">Section A</a></nav>"
	    "<div class=\"article-body\"><p>" FILLER "</p><p>" FILLER "Second.</p>"
	    "<p>" FILLER "Third.</p></div>"
	    "<div class=\"comments\"><p>Great article, thanks, I agree with everything here!</p></div>"
	    "<div class=\"footer\">Copyright 2014 Example Corp, all rights reserved</div>"
	    "<script>var tracking = 'Secret script text';</script>"
	    "</body></html>");
	assert_non_null(find_block(doc, "Second."));
	assert_non_null(find_block(doc, "Third."));
	assert_null(find_block(doc, "Most popular"));
	assert_null(find_block(doc, "Great article"));
	assert_null(find_block(doc, "Copyright"));
	assert_null(find_block(doc, "Secret script"));
	assert_null(find_block(doc, "Home"));
	assert_false(has_link(doc, "http://example.com/world"));
	document_free(doc);
}

static void
test_links(void **state)
{
	const struct doc_block *b;
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><base href=\"http://other.org/dir/\"></head><body>"
	    "<article><p>" FILLER "See <a href=\"page.html\">the page</a>, "
	    "<a href=\"#top\">top</a> and <a href=\"javascript:void(0)\">this</a>.</p>"
	    "<p>" FILLER "<a href=\"/abs\">Absolute</a> and <a href=\"/abs\">again</a>.</p>"
	    "</article></body></html>");
	b = find_block(doc, "See the page");
	assert_non_null(b);
	assert_int_equal(b->nlinks, 1);
	assert_string_equal(b->links[0].url, "http://other.org/dir/page.html");
	assert_string_equal(b->links[0].label, "the page");
	b = find_block(doc, "Absolute and again");
	assert_non_null(b);
	assert_int_equal(b->nlinks, 1);
	assert_string_equal(b->links[0].url, "http://other.org/abs");
	document_free(doc);
}

static void
test_nested_lists(void **state)
{
	struct document *doc;
	size_t i, items = 0;
	const char *expect[] = { "alpha", "beta", "inner one", "inner two", "gamma",
	    "3. three", "4. four" };

	(void)state;
	doc = read_page("<html><body><article><p>" FILLER "</p><p>" FILLER "</p>"
	    "<ul><li>alpha</li><li>beta<ul><li>inner one</li><li>inner two</li></ul></li>"
	    "<li>gamma</li></ul><ol start=\"3\"><li>three</li><li>four</li></ol>"
	    "<p>" FILLER "End.</p></article></body></html>");
	for (i = 0; i < doc->nblocks; i++) {
		if (doc->blocks[i].type != BLOCK_LIST_ITEM)
			continue;
		assert_true(items < 7);
		assert_string_equal(doc->blocks[i].text, expect[items]);
		items++;
	}
	assert_int_equal(items, 7);
	document_free(doc);
}

static void
test_link_list_becomes_link_lines(void **state)
{
	struct document *doc;
	size_t i, links = 0;

	(void)state;
	doc = read_page("<html><body><article><p>" FILLER "</p><p>" FILLER "</p>"
	    "<p>Further reading on the subject, in two parts:</p>"
	    "<ul><li><a href=\"/one\">Part one of the series</a></li>"
	    "<li><a href=\"/two\">Part two of the series</a></li></ul>"
	    "<p>" FILLER "End.</p></article></body></html>");
	for (i = 0; i < doc->nblocks; i++) {
		assert_int_not_equal(doc->blocks[i].type, BLOCK_LIST_ITEM);
		if (doc->blocks[i].type == BLOCK_LINK)
			links += doc->blocks[i].nlinks;
	}
	assert_int_equal(links, 2);
	assert_true(has_link(doc, "http://example.com/one"));
	document_free(doc);
}

static void
test_tables(void **state)
{
	const struct doc_block *b;
	struct document *doc;

	(void)state;
	doc = read_page("<html><body><article><p>" FILLER "</p><p>" FILLER "</p>"
	    "<table><caption>Results</caption><tr><th>Team</th><th>Points</th></tr>"
	    "<tr><td>Reds</td><td>12</td></tr><tr><td>Blues</td><td>7</td></tr></table>"
	    "<table><tr><td><p>" FILLER "Layout cell.</p></td></tr></table>"
	    "</article></body></html>");
	b = find_block(doc, "Team");
	assert_non_null(b);
	assert_int_equal(b->type, BLOCK_PREFORMATTED);
	assert_string_equal(b->alt, "table: Results");
	assert_string_equal(b->text, "Team   Points\n-----  ------\nReds   12\nBlues  7");
	b = find_block(doc, "Layout cell.");
	assert_non_null(b);
	assert_int_equal(b->type, BLOCK_PARAGRAPH);
	document_free(doc);
}

/* CJK, emoji (the rocket included: two columns, as in every width
 * table of the project), Hangul, fullwidth letters and a combining accent:
 * each column starts at the same display column in every row. */
static void
test_tables_align_wide_characters(void **state)
{
	const struct doc_block *b;
	struct document *doc;

	(void)state;
	doc = read_page("<html><body><article><p>" FILLER "</p><p>" FILLER "</p><table>"
	    "<tr><th>Name</th><th>City</th><th>Note</th></tr>"
	    "<tr><td>\xe6\x9d\x8e\xe9\x9b\xb7</td><td>\xe5\x8c\x97\xe4\xba\xac</td>"
	    "<td>\xf0\x9f\x9a\x80 launch</td></tr>"
	    "<tr><td>Ann</td><td>\xf0\x9f\x9a\x80</td><td>ok</td></tr>"
	    "<tr><td>Jose\xcc\x81</td><td>Paris</td><td>caf\xc3\xa9</td></tr>"
	    "<tr><td>\xf0\x9f\x98\x80</td><td>\xec\x84\x9c\xec\x9a\xb8</td>"
	    "<td>\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c</td></tr>"
	    "</table></article></body></html>");
	b = find_block(doc, "Name");
	assert_non_null(b);
	assert_int_equal(b->type, BLOCK_PREFORMATTED);
	assert_string_equal(b->text, WIDE_TABLE_ALIGNED);
	assert_columns_align(b->text);
	document_free(doc);
}

static void
test_code_headings_images(void **state)
{
	const struct doc_block *b;
	struct document *doc;
	size_t i;

	(void)state;
	doc = read_page("<html><head><title>A Story About Code Blocks</title></head><body>"
	    "<article><h1>A Story About Code Blocks</h1><p>" FILLER "</p>"
	    "<h2>Details</h2><h4>Minor</h4><p>" FILLER "</p>"
	    "<pre><code class=\"language-python\">def f():\n\treturn 1\n</code></pre>"
	    "<figure><img src=\"/img/big-cat_photo.jpg\"><figcaption>A big cat</figcaption></figure>"
	    "<p>" FILLER "<img src=\"/pixel.gif\" width=\"1\" height=\"1\">"
	    "<img src=\"data:image/png;base64,AAAA\" alt=\"inline\"></p></article></body></html>");
	for (i = 0; i < doc->nblocks; i++)
		if (doc->blocks[i].type == BLOCK_HEADING)
			assert_string_not_equal(doc->blocks[i].text, "A Story About Code Blocks");
	b = find_block(doc, "Details");
	assert_non_null(b);
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 2);
	b = find_block(doc, "Minor");
	assert_non_null(b);
	assert_int_equal(b->level, 3);
	b = find_block(doc, "def f()");
	assert_non_null(b);
	assert_int_equal(b->type, BLOCK_PREFORMATTED);
	assert_string_equal(b->alt, "python");
	assert_string_equal(b->text, "def f():\n        return 1");
	assert_true(has_link(doc, "http://example.com/img/big-cat_photo.jpg"));
	assert_false(has_link(doc, "http://example.com/pixel.gif"));
	for (i = 0; i < doc->nblocks; i++)
		if (doc->blocks[i].nlinks > 0 &&
		    strcmp(doc->blocks[i].links[0].url, "http://example.com/img/big-cat_photo.jpg") == 0)
			assert_string_equal(doc->blocks[i].links[0].label, "A big cat");
	document_free(doc);
}

static void
test_entities_and_spaces(void **state)
{
	const struct doc_block *b;
	struct document *doc;

	(void)state;
	doc = read_page("<html><body><article><p>" FILLER "</p>"
	    "<p>Caf&eacute; &amp; cr&egrave;me&nbsp;br&ucirc;l&eacute;e, co&shy;operation"
	    "&#8203;, zero&#x200B;width, done. " FILLER "<br>Next line.</p></article></body></html>");
	b = find_block(doc, "Caf");
	assert_non_null(b);
	assert_non_null(strstr(b->text, "Café & crème brûlée, cooperation, zerowidth, done."));
	assert_null(strstr(b->text, "&amp;"));
	assert_non_null(strstr(b->text, "\nNext line."));
	document_free(doc);
}

static void
test_metadata_jsonld(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html lang=\"en-GB\"><head><title>Ignored title | Site</title>"
	    "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
	    "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Site\"},{\"@type\":\"NewsArticle\","
	    "\"headline\":\"Ceasefire talks \\u00e9 resume\",\"datePublished\":\"2014-02-03T10:12:00Z\","
	    "\"author\":[{\"@type\":\"Person\",\"name\":\"Jane Doe\"},{\"name\":\"John Roe\"}],"
	    "\"keywords\":[\"syria\",\"diplomacy\"]}]}</script>"
	    "<link rel=\"canonical\" href=\"/news/story\">"
	    "<meta name=\"description\" content=\"What happened.\">"
	    "</head><body><article><p>" FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.title, "Ceasefire talks é resume");
	assert_string_equal(doc->meta.author, "Jane Doe and John Roe");
	assert_non_null(doc->meta.date);
	assert_memory_equal(doc->meta.date, "2014-02-03", 10);
	assert_string_equal(doc->meta.lang, "en-GB");
	assert_string_equal(doc->meta.description, "What happened.");
	assert_string_equal(doc->meta.source_url, "http://example.com/news/story");
	assert_int_equal(doc->meta.ntags, 2);
	assert_string_equal(doc->meta.tags[1], "diplomacy");
	document_free(doc);
}

/* Fuzz finding: a name repeated among three authors was compared after
 * it had been freed.  Each person is named once, in order. */
static void
test_repeated_authors(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\","
	    "\"author\":[{\"@type\":\"Person\",\"name\":\"Jane Doe\"},{\"@type\":\"Person\","
	    "\"name\":\"Jane Doe\"},{\"@type\":\"Person\",\"name\":\"John Roe\"},"
	    "{\"@type\":\"Person\",\"name\":\"Jane Doe\"}]}</script></head>"
	    "<body><article><p>" FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.author, "Jane Doe and John Roe");
	document_free(doc);
}

static void
test_metadata_metas(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><title>Fallback</title>"
	    "<meta property=\"og:title twitter:title\" content=\"Open Graph Title\">"
	    "<meta property=\"og:locale\" content=\"fr_FR\">"
	    "<meta name=\"author\" content=\"Ann Author\">"
	    "<meta property=\"article:published_time\" content=\"2015-06-07\">"
	    "<meta property=\"article:tag\" content=\"politics\">"
	    "<meta name=\"keywords\" content=\"economy, politics ,trade\">"
	    "</head><body><article><p>" FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.title, "Open Graph Title");
	assert_string_equal(doc->meta.lang, "fr-FR");
	assert_string_equal(doc->meta.author, "Ann Author");
	assert_string_equal(doc->meta.date, "2015-06-07");
	/* The article's own tags; the site-wide keywords are not its tags. */
	assert_int_equal(doc->meta.ntags, 1);
	assert_string_equal(doc->meta.tags[0], "politics");
	/* No description meta: convert_read() makes one of the first paragraph. */
	assert_null(doc->meta.description);
	document_free(doc);
	doc = read_page("<html><head><title>Fallback</title>"
	    "<meta name=\"keywords\" content=\"economy, politics ,trade\">"
	    "</head><body><article><p>" FILLER "</p></article></body></html>");
	/* ... unless the page has no other list of tags. */
	assert_int_equal(doc->meta.ntags, 3);
	assert_string_equal(doc->meta.tags[2], "trade");
	document_free(doc);
}

static void
test_title_cut_and_path_date(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><title>Russia and America discuss ceasefires - The Daily "
	    "Site</title></head><body><article><p>" FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.title, "Russia and America discuss ceasefires");
	assert_string_equal(doc->meta.date, "2014-02-03");
	document_free(doc);
}

static void
test_charset_windows_1252(void **state)
{
	const char page[] = "<html><body><article><p>\x93Quoted\x94 caf\xe9 co\xfbt \x80"
	    "5, " FILLER "</p></article></body></html>";
	const struct doc_block *b;
	struct document *doc;

	(void)state;
	doc = read_page(page);
	b = find_block(doc, "Quoted");
	assert_non_null(b);
	assert_non_null(strstr(b->text, "\xe2\x80\x9cQuoted\xe2\x80\x9d caf\xc3\xa9 co\xc3\xbbt \xe2\x82\xac" "5"));
	document_free(doc);
}

static void
test_charset_latin1_meta(void **state)
{
	const char page[] = "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=ISO-8859-1\"></head><body><article><p>"
	    "Gr\xfc\xdf" "e aus M\xfcnchen, " FILLER "</p></article></body></html>";
	char *utf8;
	size_t len;
	struct document *doc;

	(void)state;
	doc = read_page(page);
	assert_non_null(find_block(doc, "Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen"));
	document_free(doc);
	utf8 = charset_html_to_utf8("\xef\xbb\xbfok", 5, &len);
	assert_non_null(utf8);
	assert_string_equal(utf8, "ok");
	free(utf8);
	utf8 = charset_html_to_utf8("\xff\xfe", 2, &len);
	assert_non_null(utf8);
	assert_int_equal(len, 0);
	free(utf8);
	assert_true(utf8_valid("\xc3\xa9", 2));
	assert_false(utf8_valid("\xc0\xaf", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
}

static void
test_robust_inputs(void **state)
{
	const char *truncated = "<html><head><title>Cut</title></head><body><article><p>"
	    FILLER "<a href=\"/x\">unfinished <b>bold";
	const char nul[] = "<p>before\0after " FILLER "</p>";
	char binary[4096];
	struct convert_options opt = { 0 };
	struct document *doc;
	size_t i;

	(void)state;
	doc = read_page(truncated);
	assert_non_null(find_block(doc, "committee"));
	document_free(doc);
	doc = html_read(nul, sizeof(nul) - 1, &opt);
	assert_non_null(doc);
	assert_non_null(find_block(doc, "after"));
	document_free(doc);
	for (i = 0; i < sizeof(binary); i++)
		binary[i] = (char)((i * 7919u + 13u) % 256u);
	doc = html_read(binary, sizeof(binary), &opt);
	assert_non_null(doc);
	document_free(doc);
	doc = html_read("", 0, &opt);
	assert_non_null(doc);
	assert_int_equal(doc->nblocks, 0);
	document_free(doc);
	doc = html_read("x", 1, NULL);
	assert_non_null(doc);
	document_free(doc);
}

static void
test_deep_nesting(void **state)
{
	const size_t depth = 100000;
	const char tail[] = "<p>" FILLER "Deep text.</p>";
	struct convert_options opt = { 0 };
	struct document *doc;
	char *html, *p;
	size_t i;

	(void)state;
	html = malloc(depth * 5 + sizeof(tail));
	assert_non_null(html);
	for (p = html, i = 0; i < depth; i++, p += 5)
		memcpy(p, "<div>", 5);
	memcpy(p, tail, sizeof(tail));
	doc = html_read(html, strlen(html), &opt);
	assert_non_null(doc);
	assert_non_null(find_block(doc, "Deep text."));
	document_free(doc);
	free(html);
}

static void
test_leftover_entities_decoded(void **state)
{
	struct document *doc;
	const struct doc_block *b;
	size_t i, k;

	(void)state;
	doc = read_page("<html><head><title>Tom &amp;amp; Jerry &amp;#8217;s</title>"
	    "<script type=\"application/ld+json\">{\"@type\":\"Article\","
	    "\"description\":\"Caf&eacute; &amp; bar\"}</script></head><body><article>"
	    "<p>" FILLER "It grew 400&amp;percnt; &amp;amp; more, said &amp;quot;X&amp;quot;, "
	    "but <code>&amp;nbsp;</code> stays &amp;bogus; and AT&amp;T &amp;copy stay.</p>"
	    "<noembed><p>noembed &lt;b&gt;fallback</p></noembed>"
	    "<p><img src=\"a.png\" alt=\"Tea &amp;amp; cake\"> " FILLER "</p>"
	    "</article></body></html>");
	assert_string_equal(doc->meta.title, "Tom & Jerry \xe2\x80\x99s");
	assert_string_equal(doc->meta.description, "Caf\xc3\xa9 & bar");
	b = find_block(doc, "400");
	assert_non_null(b);
	assert_non_null(strstr(b->text, "400% & more, said \"X\", but &nbsp; stays &bogus; and "
	    "AT&T &copy stay."));
	assert_null(find_block(doc, "fallback"));
	assert_true(has_link(doc, "http://example.com/news/2014/02/03/a.png"));
	for (i = 0; i < doc->nblocks; i++)
		for (k = 0; k < doc->blocks[i].nlinks; k++)
			if (strstr(doc->blocks[i].links[k].url, "a.png") != NULL)
				assert_string_equal(doc->blocks[i].links[k].label, "Tea & cake");
	document_free(doc);
}

static void
test_byline_and_dateline_in_text(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><title>Talks resume in Geneva today</title></head><body>"
	    "<article><p>By Jane van Doe and John Roe</p><p>February 3, 2014 at 10:12 am</p>"
	    "<p>" FILLER FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.author, "Jane van Doe and John Roe");
	assert_null(find_block(doc, "By Jane"));
	assert_non_null(doc->meta.date);
	assert_string_equal(doc->meta.date, "2014-02-03T10:12:00");
	assert_non_null(find_block(doc, "February 3, 2014"));
	document_free(doc);

	/* A byline element holding the time: the name alone is the author. */
	doc = read_page("<html><head><title>Talks resume in Geneva today</title></head><body>"
	    "<article><div class=\"author_and_date\"><span class=\"author_name\">By Pete "
	    "Cashmore</span><time datetime=\"2010-01-01\">2010-01-01 09:32:17 UTC</time></div>"
	    "<p>" FILLER FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.author, "Pete Cashmore");
	document_free(doc);

	/* A sentence starting with "By" is no byline; the path gives the date. */
	doc = read_page("<html><head><title>Talks resume in Geneva today</title></head><body>"
	    "<article><p>By then it was late</p><p>" FILLER FILLER "</p></article></body></html>");
	assert_null(doc->meta.author);
	assert_non_null(find_block(doc, "By then it was late"));
	assert_string_equal(doc->meta.date, "2014-02-03");
	document_free(doc);
}

static void
test_itemprop_author(void **state)
{
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><title>Talks resume in Geneva today</title></head><body>"
	    "<article><div class=\"info\"><span itemprop=\"author\">Ann Lee</span></div>"
	    "<p>" FILLER FILLER FILLER FILLER FILLER "</p></article></body></html>");
	assert_string_equal(doc->meta.author, "Ann Lee");
	assert_null(find_block(doc, "Ann Lee"));
	document_free(doc);
}

/* The link label of url; fails the test when no block links to it. */
static const char *
link_label(const struct document *doc, const char *url)
{
	size_t i, k;

	for (i = 0; i < doc->nblocks; i++)
		for (k = 0; k < doc->blocks[i].nlinks; k++)
			if (strcmp(doc->blocks[i].links[k].url, url) == 0)
				return doc->blocks[i].links[k].label;
	fail_msg("no link to %s", url);
	return NULL;
}

static void
test_captioned_figures_beside_body(void **state)
{
	const struct doc_block *b, *body;
	struct document *doc;

	(void)state;
	doc = read_page("<html><head><title>Council approves new cycle lanes</title></head><body>"
	    "<article><h1>Council approves new cycle lanes</h1>"
	    "<figure class=\"lead\"><img src=\"/img/lead.jpg\" alt=\"A painted lane\">"
	    "<figcaption>A trial lane on Bridge Street.</figcaption></figure>"
	    "<div class=\"story-body\"><p>" FILLER "</p><p>" FILLER "</p><p>" FILLER "</p></div>"
	    "<div><figure><picture><source srcset=\"/img/map.webp\">"
	    "<img src=\"/img/map_of-routes.png\"></picture>"
	    "<figcaption>The three phases of the network.</figcaption></figure></div>"
	    "<figure><a href=\"/other\"><img src=\"/img/teaser.jpg\"></a><figcaption>"
	    "<a href=\"/other\">Read our other story about trains</a></figcaption></figure>"
	    "<figure><img src=\"/img/bare.jpg\"></figure>"
	    "</article>"
	    "<aside><figure><img src=\"/img/aside.jpg\"><figcaption>Bus fares frozen again."
	    "</figcaption></figure></aside>"
	    "<div class=\"related-stories\"><figure><img src=\"/img/related.jpg\">"
	    "<figcaption>Parking review delayed.</figcaption></figure></div>"
	    "</body></html>");
	body = find_block(doc, "The committee met");
	assert_non_null(body);
	/* Before the body: the image as a link line, then its caption. */
	assert_string_equal(link_label(doc, "http://example.com/img/lead.jpg"), "A painted lane");
	b = find_block(doc, "A trial lane on Bridge Street.");
	assert_non_null(b);
	assert_int_equal(b->type, BLOCK_PARAGRAPH);
	assert_true(b < body);
	/* After the body, in a plain wrapper: without alt the caption labels it. */
	assert_string_equal(link_label(doc, "http://example.com/img/map_of-routes.png"),
	    "The three phases of the network.");
	b = find_block(doc, "The three phases of the network.");
	assert_non_null(b);
	assert_true(b > body);
	/* A teaser whose caption is a link, an image without a caption, and
	 * figures in an aside or a related block stay out. */
	assert_false(has_link(doc, "http://example.com/img/teaser.jpg"));
	assert_null(find_block(doc, "other story about trains"));
	assert_false(has_link(doc, "http://example.com/img/bare.jpg"));
	assert_false(has_link(doc, "http://example.com/img/aside.jpg"));
	assert_null(find_block(doc, "Bus fares"));
	assert_false(has_link(doc, "http://example.com/img/related.jpg"));
	assert_null(find_block(doc, "Parking review"));
	document_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrome_removed),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_nested_lists),
		cmocka_unit_test(test_link_list_becomes_link_lines),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_tables_align_wide_characters),
		cmocka_unit_test(test_code_headings_images),
		cmocka_unit_test(test_entities_and_spaces),
		cmocka_unit_test(test_metadata_jsonld),
		cmocka_unit_test(test_repeated_authors),
		cmocka_unit_test(test_metadata_metas),
		cmocka_unit_test(test_title_cut_and_path_date),
		cmocka_unit_test(test_charset_windows_1252),
		cmocka_unit_test(test_charset_latin1_meta),
		cmocka_unit_test(test_robust_inputs),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_leftover_entities_decoded),
		cmocka_unit_test(test_byline_and_dateline_in_text),
		cmocka_unit_test(test_itemprop_author),
		cmocka_unit_test(test_captioned_figures_beside_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
