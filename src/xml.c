/* libxml2 helpers for the XML readers: parse untrusted documents from
 * memory with no file or network access, and read their elements. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "alloc.h"
#include "xml.h"
#include <evacreg/error.h>

/* Parse options: never XML_PARSE_NOENT, DTDLOAD, DTDVALID, XINCLUDE or
 * HUGE. Errors reach us through the structured handler instead. */
#define PARSE_OPTIONS                                                          \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |           \
	 XML_PARSE_BIG_LINES)

/* Nonzero while er_xml_parse runs on this thread: the entity loader then
 * refuses everything. Other threads and other libxml2 users keep the
 * loader they had. */
static _Thread_local int parsing;
static xmlExternalEntityLoader previous_loader;
static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static xmlParserInputPtr
refusing_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	if (parsing || !previous_loader)
		return NULL;
	return previous_loader(url, id, ctxt);
}

static void
init_libxml(void)
{
	xmlInitParser();
}

/* (Re)installs our loader in front of whatever is installed now. */
static void
install_loader(void)
{
	pthread_once(&init_once, init_libxml);
	pthread_mutex_lock(&loader_lock);
	xmlExternalEntityLoader cur = xmlGetExternalEntityLoader();
	if (cur != refusing_loader) {
		previous_loader = cur;
		xmlSetExternalEntityLoader(refusing_loader);
	}
	pthread_mutex_unlock(&loader_lock);
}

/* The first error libxml2 reports during one parse. */
struct parse_errors {
	int have;
	int nomem;
	int line, column;
	char message[400];
};

static void
record_error(struct parse_errors *pe, const xmlError *e)
{
	if (!pe || !e || e->level < XML_ERR_ERROR)
		return;
	if (e->code == XML_ERR_NO_MEMORY)
		pe->nomem = 1;
	if (pe->have)
		return;
	pe->have = 1;
	pe->line = e->line;
	pe->column = e->int2;
	snprintf(pe->message, sizeof pe->message, "%s",
	         e->message ? e->message : "malformed XML");
	/* libxml2 ends its messages with a newline and puts some inside:
	 * ours are one line */
	size_t n = strlen(pe->message);
	while (n && (pe->message[n - 1] == '\n' || pe->message[n - 1] == ' '))
		pe->message[--n] = '\0';
	for (char *p = pe->message; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

/* The handler on our parser context: libxml2 passes the context. */
static void
context_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;
	record_error(ctxt ? ctxt->_private : NULL, e);
}

/* Catches what libxml2 reports outside the context while we parse, so
 * nothing is printed. */
static void
thread_error(void *data, xmlErrorPtr e)
{
	record_error(data, e);
}

static void
silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Line and column of the first "<!ENTITY" in data, for the message. */
static void
find_entity_decl(const char *data, size_t len, unsigned *line, unsigned *column)
{
	static const char needle[] = "<!ENTITY";
	*line = 1;
	*column = 1;
	for (size_t i = 0; i + sizeof needle - 1 <= len; i++) {
		if (!memcmp(data + i, needle, sizeof needle - 1))
			return;
		if (data[i] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			++*column;
		}
	}
	*line = 1;
	*column = 1;
}

/* Refuses a document whose DOCTYPE declares entities. */
static enum er_code
check_entities(const char *path, const char *data, size_t len,
               const xmlDoc *doc, struct er_error *err)
{
	const xmlDtd *dtd = doc->intSubset;
	if (!dtd)
		return ER_OK;
	for (const xmlNode *n = dtd->children; n; n = n->next) {
		if (n->type != XML_ENTITY_DECL)
			continue;
		unsigned line, column;
		find_entity_decl(data, len, &line, &column);
		char where[256];
		snprintf(where, sizeof where, "%s:%u:%u", path, line, column);
		return er_fail(err, ER_EPARSE, where,
		               "the DOCTYPE declares entity \"%.64s\"; "
		               "documents that declare entities are not read",
		               n->name ? (const char *)n->name : "");
	}
	return ER_OK;
}

xmlDoc *
er_xml_parse(const char *path, const char *data, size_t len,
             struct er_error *err)
{
	char where[256];
	if (!path)
		path = "";
	if (!data || len == 0) {
		snprintf(where, sizeof where, "%s:1:1", path);
		er_fail(err, ER_EPARSE, where, "the document is empty");
		return NULL;
	}
	if (len > INT_MAX) {
		er_fail(err, ER_EPARSE, path,
		        "the document is larger than the XML parser's 2 GiB "
		        "limit");
		return NULL;
	}
	install_loader();

	struct parse_errors pe;
	memset(&pe, 0, sizeof pe);
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		er_fail(err, ER_ENOMEM, path, "out of memory parsing XML");
		return NULL;
	}
	ctxt->_private = &pe;
	ctxt->sax->serror = context_error;

	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_serror_ctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_generic_ctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&pe, thread_error);
	xmlSetGenericErrorFunc(NULL, silent_generic);
	parsing++;

	xmlDoc *doc =
	    xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, PARSE_OPTIONS);

	parsing--;
	xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
	xmlSetStructuredErrorFunc(old_serror_ctx, old_serror);
	int ctxt_nomem = ctxt->errNo == XML_ERR_NO_MEMORY;
	xmlFreeParserCtxt(ctxt);

	if (pe.nomem || (!doc && !pe.have && ctxt_nomem)) {
		er_fail(err, ER_ENOMEM, path, "out of memory parsing XML");
		goto fail;
	}
	if (pe.have || !doc) {
		if (!pe.have)
			snprintf(where, sizeof where, "%s", path);
		else if (pe.column > 0)
			snprintf(where, sizeof where, "%s:%d:%d", path, pe.line,
			         pe.column);
		else
			snprintf(where, sizeof where, "%s:%d", path, pe.line);
		er_fail(err, ER_EPARSE, where, "%s",
		        pe.have ? pe.message : "the document is not XML");
		goto fail;
	}
	if (check_entities(path, data, len, doc, err) != ER_OK)
		goto fail;
	if (!xmlDocGetRootElement(doc)) {
		snprintf(where, sizeof where, "%s:1:1", path);
		er_fail(err, ER_EPARSE, where, "the document has no element");
		goto fail;
	}
	return doc;
fail:
	xmlFreeDoc(doc);
	return NULL;
}

const char *
er_xml_ns(const xmlNode *node)
{
	if (!node || node->type != XML_ELEMENT_NODE || !node->ns ||
	    !node->ns->href)
		return NULL;
	return (const char *)node->ns->href;
}

int
er_xml_is(const xmlNode *node, const char *ns, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)node->name, name) != 0)
		return 0;
	const char *uri = er_xml_ns(node);
	if (!ns)
		return uri == NULL;
	return uri && strcmp(uri, ns) == 0;
}

xmlNode *
er_xml_first_element(const xmlNode *node)
{
	if (!node)
		return NULL;
	for (xmlNode *c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNode *
er_xml_next_element(const xmlNode *node)
{
	if (!node)
		return NULL;
	for (xmlNode *c = node->next; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

const xmlAttr *
er_xml_attr(const xmlNode *node, const char *ns, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	for (const xmlAttr *a = node->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		const char *uri =
		    a->ns && a->ns->href ? (const char *)a->ns->href : NULL;
		if (ns ? uri && strcmp(uri, ns) == 0 : uri == NULL)
			return a;
	}
	return NULL;
}

/* Walks the text and CDATA nodes under top in document order, without
 * recursion and without entering entity references; out NULL counts. */
static size_t
collect_text(const xmlNode *top, char *out)
{
	size_t n = 0;
	const xmlNode *c = top->children;
	while (c) {
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) &&
		    c->content) {
			size_t k = strlen((const char *)c->content);
			if (out)
				memcpy(out + n, c->content, k);
			n += k;
		}
		if (c->type == XML_ELEMENT_NODE && c->children) {
			c = c->children;
			continue;
		}
		while (c && !c->next && c != top)
			c = c->parent == top ? NULL : c->parent;
		if (c)
			c = c->next;
	}
	return n;
}

char *
er_xml_text(const xmlNode *node)
{
	if (!node)
		return er_strdup("");
	size_t n = collect_text(node, NULL);
	char *s = er_malloc(n + 1);
	if (!s)
		return NULL;
	collect_text(node, s);
	s[n] = '\0';
	return s;
}

char *
er_xml_dump(const xmlNode *node)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	char *out = NULL;
	xmlDoc *tmp = xmlNewDoc((const xmlChar *)"1.0");
	xmlBuffer *buf = xmlBufferCreate();
	xmlNode *copy = tmp ? xmlDocCopyNode((xmlNode *)node, tmp, 1) : NULL;
	if (!tmp || !buf || !copy) {
		xmlFreeNode(copy);
		goto done;
	}
	/* the copy declares the namespaces it uses from node's ancestors */
	xmlDocSetRootElement(tmp, copy);
	if (xmlNodeDump(buf, tmp, copy, 0, 0) < 0)
		goto done;
	out = er_strndup((const char *)xmlBufferContent(buf),
	                 (size_t)xmlBufferLength(buf));
done:
	xmlBufferFree(buf);
	xmlFreeDoc(tmp);
	return out;
}

unsigned
er_xml_line(const xmlNode *node)
{
	if (!node)
		return 0;
	long line = xmlGetLineNo(node);
	if (line <= 0)
		return 0;
	return line > (long)UINT_MAX ? UINT_MAX : (unsigned)line;
}

void
er_xml_buf_add(struct er_xml_buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (n > SIZE_MAX - b->len - 1) {
		b->nomem = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1) {
			if (cap > SIZE_MAX / 2) {
				cap = b->len + n + 1;
				break;
			}
			cap *= 2;
		}
		char *ns = er_realloc(b->s, cap);
		if (!ns) {
			b->nomem = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
er_xml_buf_puts(struct er_xml_buf *b, const char *s)
{
	er_xml_buf_add(b, s, strlen(s));
}

void
er_xml_buf_puts_escaped(struct er_xml_buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			continue;
		}
		er_xml_buf_add(b, run, (size_t)(s - run));
		er_xml_buf_puts(b, rep);
		run = s + 1;
	}
	er_xml_buf_add(b, run, (size_t)(s - run));
}

char *
er_xml_buf_take(struct er_xml_buf *b)
{
	char *s = b->nomem ? NULL : b->s;
	if (!s && !b->nomem)
		s = er_strdup("");
	if (b->nomem)
		er_free(b->s);
	memset(b, 0, sizeof *b);
	return s;
}

void
er_xml_buf_finish(struct er_xml_buf *b)
{
	er_free(b->s);
	memset(b, 0, sizeof *b);
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* s[0..n), already checked, as sign, significant digits (no leading or
 * trailing zeros; empty for zero) and exponent e: 0.DIGITS x 10^e. */
static void
number_parts(const char *s, size_t n, int *neg, char *digits, long *e)
{
	size_t i = 0, nd = 0;
	long point = 0, exp = 0;
	int seen_point = 0;
	*neg = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		*neg = s[i++] == '-';
	for (; i < n && (is_digit(s[i]) || s[i] == '.'); i++) {
		if (s[i] == '.') {
			seen_point = 1;
			continue;
		}
		if (nd == 0 && s[i] == '0') {
			/* a leading zero moves the point only after it */
			if (seen_point)
				point--;
			continue;
		}
		digits[nd++] = s[i];
		if (!seen_point)
			point++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (; i < n; i++)
			if (exp < 100000)
				exp = exp * 10 + (s[i] - '0');
		if (eneg)
			exp = -exp;
	}
	while (nd && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	*e = point + exp;
}

const char *
er_xml_number_check(const char *s, size_t n)
{
	size_t i = 0, intd = 0, fracd = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && is_digit(s[i]))
		i++, intd++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && is_digit(s[i]))
			i++, fracd++;
	}
	if (intd + fracd == 0)
		return "is not a number";
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return "is not a number";
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i != n)
		return "is not a number";
	if (n > ER_XML_NUMBER_MAX)
		return "is too long";
	char digits[ER_XML_NUMBER_MAX + 1];
	int neg;
	long e;
	number_parts(s, n, &neg, digits, &e);
	if (digits[0] && e > 300)
		return "is out of range";
	return NULL;
}

int
er_xml_number_equal(const char *a, size_t an, const char *b, size_t bn)
{
	char da[ER_XML_NUMBER_MAX + 1], db[ER_XML_NUMBER_MAX + 1];
	int na, nb;
	long ea, eb;
	if (an > ER_XML_NUMBER_MAX || bn > ER_XML_NUMBER_MAX)
		return an == bn && !memcmp(a, b, an);
	number_parts(a, an, &na, da, &ea);
	number_parts(b, bn, &nb, db, &eb);
	if (!da[0] || !db[0])
		return !da[0] && !db[0]; /* zeros, whatever their sign */
	return na == nb && ea == eb && strcmp(da, db) == 0;
}

int
er_xml_posv_push(struct er_xml_posv *v, const struct er_xml_pos *pos)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof *v->p)
			return -1;
		struct er_xml_pos *np = er_realloc(v->p, cap * sizeof *v->p);
		if (!np)
			return -1;
		v->p = np;
		v->cap = cap;
	}
	v->p[v->n++] = *pos;
	return 0;
}

void
er_xml_posv_finish(struct er_xml_posv *v)
{
	er_free(v->p);
	memset(v, 0, sizeof *v);
}

int
er_xml_pos_equal(const struct er_xml_pos *a, const struct er_xml_pos *b,
                 int all_3d)
{
	int dims = all_3d ? 3 : 2;
	for (int i = 0; i < dims; i++)
		if (!er_xml_number_equal(a->v[i], a->n[i], b->v[i], b->n[i]))
			return 0;
	return 1;
}

int
er_xml_ring_close(struct er_xml_posv *v)
{
	if (v->n == 0)
		return 0;
	int all_3d = 1;
	for (size_t i = 0; i < v->n; i++)
		if (v->p[i].dim != 3)
			all_3d = 0;
	if (v->n > 1 && er_xml_pos_equal(&v->p[0], &v->p[v->n - 1], all_3d))
		return 0;
	struct er_xml_pos first = v->p[0];
	return er_xml_posv_push(v, &first);
}

const char *
er_xml_tag(const xmlNode *n, char *buf, size_t size)
{
	if (n->ns && n->ns->prefix)
		snprintf(buf, size, "<%.40s:%.60s>", n->ns->prefix, n->name);
	else
		snprintf(buf, size, "<%.60s>", n->name);
	return buf;
}

enum er_code
er_xml_vfail(struct er_error *err, const char *path, const xmlNode *n,
	     const char *label, const char *fmt, va_list ap)
{
	char where[256], msg[400];
	unsigned line = er_xml_line(n);
	if (line)
		snprintf(where, sizeof where, "%s:%u", path, line);
	else
		snprintf(where, sizeof where, "%s", path);
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (label && label[0])
		return er_fail(err, ER_EPARSE, where, "%s: %s", label, msg);
	return er_fail(err, ER_EPARSE, where, "%s", msg);
}
