/* libxml2 helpers shared by the KML, GML and SLD readers: safe parsing
 * from memory, element tests, text content and serialisation. */
#ifndef ER_SRC_XML_H
#define ER_SRC_XML_H

#include <stdarg.h>
#include <stddef.h>

#include <libxml/tree.h>

#include <evacreg/error.h>

/* Parses data[0..len) as XML without ever reading a file or the network:
 * no entity substitution, DTD loading, XInclude or size override, and an
 * external entity loader that refuses every request made while one of
 * our parses runs (other libxml2 users in the process keep theirs). A
 * DOCTYPE that declares entities is refused, so no text can come from
 * them. Line numbers beyond 65535 are kept. Returns NULL on failure:
 * ER_EPARSE with where = "path:line:column" (column left out when libxml2
 * has none) and libxml2's message, or ER_ENOMEM. Free with xmlFreeDoc(). */
xmlDoc *er_xml_parse(const char *path, const char *data, size_t len,
                     struct er_error *err);

/* The namespace URI of element node, or NULL when it has none. */
const char *er_xml_ns(const xmlNode *node);

/* Whether node is an element with local name name whose namespace is ns
 * (ns NULL: no namespace). */
int er_xml_is(const xmlNode *node, const char *ns, const char *name);

/* The first child element of node, and the next sibling element of node;
 * NULL when there is none. Text, comments etc. are skipped. */
xmlNode *er_xml_first_element(const xmlNode *node);
xmlNode *er_xml_next_element(const xmlNode *node);

/* The attribute name of element node in namespace ns (NULL: an attribute
 * without namespace), or NULL. Read its value with er_xml_text(). */
const xmlAttr *er_xml_attr(const xmlNode *node, const char *ns,
                           const char *name);

/* The text of node (an element or an attribute): its text and CDATA
 * descendants, concatenated. Entity references add nothing (see
 * er_xml_parse). Caller frees with er_free(); NULL when out of memory. */
char *er_xml_text(const xmlNode *node);

/* node (an element) serialised as XML, with the namespace declarations
 * it uses from its ancestors added to it, so the text stands alone.
 * Caller frees with er_free(); NULL when out of memory. */
char *er_xml_dump(const xmlNode *node);

/* The 1-based line where node starts, 0 when unknown. */
unsigned er_xml_line(const xmlNode *node);

/* "<prefix:name>" of element n, for messages; returns buf. */
const char *er_xml_tag(const xmlNode *n, char *buf, size_t size);

/* Sets err to ER_EPARSE at "path:line" of node n with the message
 * "label: fmt..." (no label when label is NULL or empty). */
enum er_code er_xml_vfail(struct er_error *err, const char *path,
			  const xmlNode *n, const char *label,
			  const char *fmt, va_list ap);

/* A growing string, for building XML text. Zero it to start; after an
 * allocation failure it ignores further text and nomem stays set. */
struct er_xml_buf {
	char *s;
	size_t len, cap;
	int nomem;
};
void er_xml_buf_add(struct er_xml_buf *b, const char *s, size_t n);
void er_xml_buf_puts(struct er_xml_buf *b, const char *s);
/* Appends s with &, <, > and " escaped, for text and attribute values. */
void er_xml_buf_puts_escaped(struct er_xml_buf *b, const char *s);
/* The text, which the caller frees with er_free(), or NULL when an
 * allocation failed; b is emptied either way. */
char *er_xml_buf_take(struct er_xml_buf *b);
void er_xml_buf_finish(struct er_xml_buf *b);

/* Coordinates, shared by the KML and GML readers. Their geometry is
 * rewritten for SpatiaLite 5.0.1, whose KML and GML parsers read numbers
 * with atof() into a 1024-byte stack buffer and crash on some input, so
 * each number is checked first and then copied as written. */
#define ER_XML_NUMBER_MAX 64 /* longest number text accepted */

/* NULL when s[0..n) is a decimal number [+-]digits[.digits][e[+-]digits]
 * (a side of the point may be empty, not both) of at most
 * ER_XML_NUMBER_MAX bytes and magnitude below 1e300; else why not, e.g.
 * "is not a number". */
const char *er_xml_number_check(const char *s, size_t n);

/* Whether two numbers accepted by er_xml_number_check() have the same
 * decimal value ("1.50" equals "+1.5e0"). */
int er_xml_number_equal(const char *a, size_t an, const char *b, size_t bn);

/* One position: 2 or 3 numbers pointing into text the caller owns. */
struct er_xml_pos {
	const char *v[3];
	unsigned char n[3]; /* lengths */
	unsigned char dim;
};

/* A growing list of positions. Zero it to start. */
struct er_xml_posv {
	struct er_xml_pos *p;
	size_t n, cap;
};
/* Appends pos; -1 when out of memory. */
int er_xml_posv_push(struct er_xml_posv *v, const struct er_xml_pos *pos);
void er_xml_posv_finish(struct er_xml_posv *v);

/* Whether positions a and b are the same point, comparing z only when
 * every position of the ring is 3D (as SpatiaLite does). */
int er_xml_pos_equal(const struct er_xml_pos *a, const struct er_xml_pos *b,
                     int all_3d);

/* Closes the ring in v (appends its first position when the last one
 * differs). -1 when out of memory. */
int er_xml_ring_close(struct er_xml_posv *v);

#endif
