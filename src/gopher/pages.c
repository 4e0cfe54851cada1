#include "gopher/pages.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "gopher/links.h"
#include "gopher/reflow.h"

#define REFRESH_SECONDS 5

static void
html_escape(struct buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			buf_append_str(out, "&amp;");
			break;
		case '<':
			buf_append_str(out, "&lt;");
			break;
		case '>':
			buf_append_str(out, "&gt;");
			break;
		case '"':
			buf_append_str(out, "&quot;");
			break;
		case '\'':
			buf_append_str(out, "&#39;");
			break;
		default:
			buf_append_char(out, s[i]);
			break;
		}
	}
}

int
gopher_url_page(struct buf *out, const char *url, size_t len)
{
	size_t i;

	if (!gopher_link_scheme_allowed(url, len))
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] < 0x20 || url[i] == 0x7f)
			return -1;
	buf_append_str(out, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n"
	    "<html>\n<head>\n<title>Link to ");
	html_escape(out, url, len);
	buf_printf(out, "</title>\n<meta http-equiv=\"refresh\" content=\"%d;URL=",
	    REFRESH_SECONDS);
	html_escape(out, url, len);
	buf_append_str(out, "\">\n</head>\n<body>\n<p>This item points outside Gopherspace."
	    " You are being taken to:</p>\n<p><a href=\"");
	html_escape(out, url, len);
	buf_append_str(out, "\">");
	html_escape(out, url, len);
	buf_append_str(out, "</a></p>\n</body>\n</html>\n");
	return out->failed ? -1 : 0;
}

static void
caps_line(struct buf *out, const char *key, const char *value)
{
	struct buf line = BUF_INIT;

	if (value == NULL)
		return;
	buf_printf(&line, "%s=%s", key, value);
	if (!line.failed)
		reflow_append_line(out, line.data, line.len);
	buf_free(&line);
}

int
gopher_caps_text(struct buf *out, const struct caps_info *info)
{
	static const char *const fixed[] = {
		"CAPS", "CapsVersion=1", "ExpireCapsAfter=3600",
		"PathDelimeter=/", "PathIdentity=.", "PathParent=..",
		"PathParentDouble=FALSE", "PathKeepPreDelimeter=FALSE",
		"ServerDefaultEncoding=UTF-8",
	};
	struct utsname uts;
	char port[16];
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		reflow_append_line(out, fixed[i], strlen(fixed[i]));
	snprintf(port, sizeof(port), "%d", info->tls_port);
	caps_line(out, "ServerTLSPort", port);
	caps_line(out, "ServerSoftware", "capsuled");
	caps_line(out, "ServerSoftwareVersion", CAPSULED_VERSION);
	caps_line(out, "ServerArchitecture", uname(&uts) == 0 ? uts.machine : NULL);
	caps_line(out, "ServerDescription", info->server_description);
	caps_line(out, "ServerGeolocationString", info->server_geolocation);
	caps_line(out, "ServerAdmin", info->server_admin);
	return reflow_end(out);
}
