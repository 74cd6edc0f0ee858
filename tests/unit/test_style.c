/* Unit tests for style.c: the SLD reader, filters and rule matching,
 * KML colours, and the shipped styles/default.sld. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "style.h"
#include "testutil.h"
#include <evacreg/evacreg.h>

/* Feature attributes as "key=value" pairs. */
struct attrs {
	const char *kv[8];
};

static const char *
prop(const char *name, void *ud)
{
	const struct attrs *a = ud;
	size_t n = strlen(name);
	for (size_t i = 0; i < 8 && a->kv[i]; i++)
		if (!strncmp(a->kv[i], name, n) && a->kv[i][n] == '=')
			return a->kv[i] + n + 1;
	return NULL;
}

static struct er_style *
read_ok(const char *text)
{
	struct er_error err = {0};
	struct er_style *s =
	    er_style_read("mem/test.sld", text, strlen(text), &err);
	if (!s)
		fail_msg("%s: %s", err.where, err.message);
	return s;
}

#define SLD_HEAD                                                               \
	"<StyledLayerDescriptor version=\"1.0.0\" "                            \
	"xmlns=\"http://www.opengis.net/sld\" "                                \
	"xmlns:ogc=\"http://www.opengis.net/ogc\" "                            \
	"xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"

/* the rule names that apply to a feature, joined with ',' */
static void
matched(const struct er_style_layer *l, struct attrs *a, double scale,
        char *out, size_t len)
{
	const struct er_rule *r[8];
	size_t n = er_style_match(l, prop, a, scale, r, 8);
	out[0] = '\0';
	for (size_t i = 0; i < n && i < 8; i++) {
		size_t k = strlen(out);
		snprintf(out + k, len - k, "%s%s", i ? "," : "", r[i]->name);
	}
}

static const char *
eval_doc(const char *filter, struct attrs *a)
{
	static char doc[4096];
	snprintf(doc, sizeof doc,
	         SLD_HEAD "<NamedLayer><Name>l</Name><UserStyle>"
	                  "<FeatureTypeStyle><Rule><Name>r</Name>"
	                  "<ogc:Filter>%s</ogc:Filter></Rule>"
	                  "</FeatureTypeStyle></UserStyle></NamedLayer>"
	                  "</StyledLayerDescriptor>",
	         filter);
	struct er_style *s = read_ok(doc);
	const struct er_rule *r = &s->layers[0].rules[0];
	int m = er_filter_eval(r->filter, prop, a);
	er_style_destroy(s);
	return m ? "yes" : "no";
}

#define PN(p) "<ogc:PropertyName>" p "</ogc:PropertyName>"
#define LIT(v) "<ogc:Literal>" v "</ogc:Literal>"

static void
test_filters(void **state)
{
	(void)state;
	struct attrs a = {{"mobility=wheelchair", "number=12", "persons=3",
	                   "empty=", "name=Kita&Minami"}};
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsEqualTo>" PN("mobility")
	                 LIT("wheelchair") "</ogc:PropertyIsEqualTo>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsEqualTo>" PN("mobility")
	                 LIT("Wheelchair") "</ogc:PropertyIsEqualTo>",
	             &a),
	    "no");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsEqualTo matchCase=\"false\">" PN(
	                 "mobility") LIT("WHEELCHAIR") "</"
	                                               "ogc:"
	                                               "PropertyIsEqual"
	                                               "To>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsNotEqualTo>" PN("mobility")
	                 LIT("walk") "</ogc:PropertyIsNotEqualTo>",
	             &a),
	    "yes");
	/* numeric, not string, comparison: 12 > 9 */
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsGreaterThan>" PN("number")
	                 LIT("9") "</ogc:PropertyIsGreaterThan>",
	             &a),
	    "yes");
	assert_string_equal(eval_doc("<ogc:PropertyIsLessThan>" PN("number")
	                                 LIT("9") "</ogc:PropertyIsLessThan>",
	                             &a),
	                    "no");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLessThanOrEqualTo>" PN("number")
	                 LIT("12.0") "</ogc:PropertyIsLessThanOrEqualTo>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsGreaterThanOrEqualTo>" PN("number")
	                 LIT("13") "</"
	                           "ogc:"
	                           "PropertyIsGreaterThanOrEqualTo>",
	             &a),
	    "no");
	/* literal first: 9 < number */
	assert_string_equal(eval_doc("<ogc:PropertyIsLessThan>" LIT("9") PN(
	                                 "number") "</ogc:PropertyIsLessThan>",
	                             &a),
	                    "yes");
	assert_string_equal(
	    eval_doc(
	        "<ogc:PropertyIsBetween>" PN(
	            "persons") "<ogc:LowerBoundary>" LIT("2") "</"
	                                                      "ogc:"
	                                                      "LowerBoundary>"
	                                                      "<ogc:"
	                                                      "UpperBoundary"
	                                                      ">" LIT(
	                                                          "3") "</"
	                                                               "ogc:"
	                                                               "UpperBo"
	                                                               "undary>"
	                                                               "</"
	                                                               "ogc:"
	                                                               "Propert"
	                                                               "yIsBetw"
	                                                               "een>",
	        &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"%\" singleChar=\"_\" "
	             "escapeChar=\"!\">" PN("mobility")
	                 LIT("wh__l%") "</ogc:PropertyIsLike>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"*\" singleChar=\".\" "
	             "escape=\"!\">" PN("name")
	                 LIT("*!**") "</ogc:PropertyIsLike>",
	             &a),
	    "no"); /* an escaped wildcard is a literal '*' */
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"*\" singleChar=\".\" "
	             "escape=\"!\">" PN("name")
	                 LIT("*&amp;M*") "</ogc:PropertyIsLike>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"*\" singleChar=\".\" "
	             "escape=\"!\">" PN("mobility")
	                 LIT("*chair!*") "</ogc:PropertyIsLike>",
	             &a),
	    "no");
	assert_string_equal(eval_doc("<ogc:PropertyIsNull>" PN(
	                                 "absent") "</ogc:PropertyIsNull>",
	                             &a),
	                    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsNull>" PN("empty") "</ogc:PropertyIsNull>",
	             &a),
	    "yes");
	assert_string_equal(eval_doc("<ogc:PropertyIsNull>" PN(
	                                 "number") "</ogc:PropertyIsNull>",
	                             &a),
	                    "no");
	/* comparisons with an absent property are false */
	assert_string_equal(eval_doc("<ogc:PropertyIsNotEqualTo>" PN("absent")
	                                 LIT("x") "</ogc:PropertyIsNotEqualTo>",
	                             &a),
	                    "no");
	assert_string_equal(
	    eval_doc("<ogc:And><ogc:PropertyIsEqualTo>" PN("persons")
	                 LIT("3") "</ogc:PropertyIsEqualTo>"
	                          "<ogc:Not><ogc:PropertyIsNull>" PN(
	                              "number") "</"
	                                        "ogc:"
	                                        "PropertyIsNull></"
	                                        "ogc:Not></"
	                                        "ogc:And>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:Or><ogc:PropertyIsEqualTo>" PN("persons")
	                 LIT("4") "</ogc:PropertyIsEqualTo>"
	                          "<ogc:PropertyIsEqualTo>" PN("mobility")
	                              LIT("walk") "</"
	                                          "ogc:"
	                                          "Prop"
	                                          "erty"
	                                          "IsEq"
	                                          "ualT"
	                                          "o></"
	                                          "ogc:"
	                                          "Or>",
	             &a),
	    "no");
}

static void
test_like_utf8(void **state)
{
	(void)state;
	struct attrs a = {{"name=車いす"}};
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"*\" singleChar=\"?\" "
	             "escapeChar=\"\\\">" PN("name")
	                 LIT("車??") "</ogc:PropertyIsLike>",
	             &a),
	    "yes");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"*\" singleChar=\"?\" "
	             "escapeChar=\"\\\">" PN("name")
	                 LIT("車?") "</ogc:PropertyIsLike>",
	             &a),
	    "no");
	assert_string_equal(
	    eval_doc("<ogc:PropertyIsLike wildCard=\"*\" singleChar=\"?\" "
	             "escapeChar=\"\\\">" PN("name")
	                 LIT("*す") "</ogc:PropertyIsLike>",
	             &a),
	    "yes");
}

static void
test_match_else_and_scale(void **state)
{
	(void)state;
	struct er_style *s = read_ok(
	    SLD_HEAD
	    "<NamedLayer><Name>household</Name><UserStyle>"
	    "<FeatureTypeStyle>"
	    "<Rule><Name>mob</Name><ogc:Filter><ogc:PropertyIsEqualTo>" PN(
	        "mobility") LIT("wheelchair") "</ogc:PropertyIsEqualTo>"
	                                      "</ogc:Filter>"
	                                      "<PointSymbolizer><"
	                                      "Graphic><Mark><"
	                                      "WellKnownName>triangle<"
	                                      "/WellKnownName></"
	                                      "Mark></Graphic></"
	                                      "PointSymbolizer></Rule>"
	                                      "<Rule><Name>else</"
	                                      "Name><ElseFilter/"
	                                      "></Rule>"
	                                      "</FeatureTypeStyle>"
	                                      "<FeatureTypeStyle>"
	                                      "<Rule><Name>label</"
	                                      "Name><"
	                                      "MaxScaleDenominator>"
	                                      "10000</"
	                                      "MaxScaleDenominator></"
	                                      "Rule>"
	                                      "</FeatureTypeStyle>"
	                                      "</UserStyle></"
	                                      "NamedLayer>"
	                                      "</"
	                                      "StyledLayerDescriptor>");
	const struct er_style_layer *l = er_style_layer(s, "household");
	assert_non_null(l);
	assert_null(er_style_layer(s, "shelter"));
	assert_int_equal(l->nrules, 3);
	char out[128];
	struct attrs wheel = {{"mobility=wheelchair"}};
	struct attrs walk = {{"mobility=walk"}};
	matched(l, &wheel, 0, out, sizeof out);
	assert_string_equal(out, "mob,label");
	matched(l, &wheel, 50000, out, sizeof out);
	assert_string_equal(out, "mob");
	/* the label rule applies at any scale when scale is 0, so no else */
	matched(l, &walk, 0, out, sizeof out);
	assert_string_equal(out, "label");
	matched(l, &walk, 50000, out, sizeof out);
	assert_string_equal(out, "else");
	matched(l, &walk, 10000, out, sizeof out);
	assert_string_equal(out, "else"); /* max is exclusive */
	matched(l, &walk, 9999, out, sizeof out);
	assert_string_equal(out, "label");
	/* max bounds what is written, not the count */
	const struct er_rule *one[1];
	assert_int_equal(er_style_match(l, prop, &wheel, 0, one, 1), 2);
	assert_string_equal(one[0]->name, "mob");
	assert_string_equal(l->rules[0].syms[0].mark, "triangle");
	er_style_destroy(s);
}

static void
test_symbolizers_se11(void **state)
{
	(void)state;
	/* SE 1.1: se: symbology, SvgParameter, Description/Title */
	struct er_style *s = read_ok(
	    "<StyledLayerDescriptor version=\"1.1.0\" "
	    "xmlns=\"http://www.opengis.net/sld\" "
	    "xmlns:se=\"http://www.opengis.net/se\" "
	    "xmlns:ogc=\"http://www.opengis.net/ogc\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
	    "<NamedLayer><se:Name>shelter</se:Name><UserStyle>"
	    "<se:FeatureTypeStyle><se:Rule><se:Name>d</se:Name>"
	    "<se:Description><se:Title>指定避難所</se:Title>"
	    "</se:Description>"
	    "<se:MinScaleDenominator>1000</se:MinScaleDenominator>"
	    "<se:PointSymbolizer><se:Graphic><se:ExternalGraphic>"
	    "<se:OnlineResource xlink:type=\"simple\" "
	    "xlink:href=\"icons/s.png\"/><se:Format>image/png</se:Format>"
	    "</se:ExternalGraphic><se:Size>16</se:Size>"
	    "<se:Rotation>45</se:Rotation></se:Graphic>"
	    "</se:PointSymbolizer>"
	    "<se:LineSymbolizer><se:Stroke>"
	    "<se:SvgParameter name=\"stroke\">#FF8000</se:SvgParameter>"
	    "<se:SvgParameter name=\"stroke-opacity\">0.5</se:SvgParameter>"
	    "<se:SvgParameter name=\"stroke-width\">2.5</se:SvgParameter>"
	    "<se:SvgParameter name=\"stroke-dasharray\">4 2</se:SvgParameter>"
	    "</se:Stroke></se:LineSymbolizer>"
	    "<se:PolygonSymbolizer><se:Fill>"
	    "<se:SvgParameter name=\"fill\">#00ff00</se:SvgParameter>"
	    "</se:Fill></se:PolygonSymbolizer>"
	    "<se:TextSymbolizer><se:Label><ogc:PropertyName>name"
	    "</ogc:PropertyName></se:Label><se:Font>"
	    "<se:SvgParameter name=\"font-family\">Noto Sans</se:SvgParameter>"
	    "<se:SvgParameter name=\"font-size\">12</se:SvgParameter>"
	    "</se:Font><se:Halo><se:Radius>2</se:Radius></se:Halo>"
	    "</se:TextSymbolizer>"
	    "</se:Rule></se:FeatureTypeStyle></UserStyle></NamedLayer>"
	    "</StyledLayerDescriptor>");
	const struct er_rule *r = &s->layers[0].rules[0];
	assert_string_equal(s->layers[0].name, "shelter");
	assert_string_equal(r->title, "指定避難所");
	assert_true(r->min_scale == 1000);
	assert_int_equal(r->nsyms, 4);
	const struct er_symbolizer *p = &r->syms[0];
	assert_int_equal(p->kind, ER_SYM_POINT);
	assert_null(p->mark);
	assert_non_null(p->icon);
	assert_true(p->icon[0] == '/');
	const char *tail = "/icons/s.png";
	assert_string_equal(p->icon + strlen(p->icon) - strlen(tail), tail);
	assert_string_equal(p->icon_format, "image/png");
	assert_true(p->size == 16 && p->rotation == 45);
	const struct er_symbolizer *l = &r->syms[1];
	assert_int_equal(l->kind, ER_SYM_LINE);
	assert_true(l->has_stroke && !l->has_fill);
	assert_true(l->stroke_width == 2.5);
	assert_int_equal(l->ndash, 2);
	char kml[9];
	er_color_kml(&l->stroke, kml);
	assert_string_equal(kml, "800080ff");
	const struct er_symbolizer *g = &r->syms[2];
	assert_int_equal(g->kind, ER_SYM_POLYGON);
	assert_true(g->has_fill && !g->has_stroke);
	er_color_kml(&g->fill, kml);
	assert_string_equal(kml, "ff00ff00");
	const struct er_symbolizer *t = &r->syms[3];
	assert_int_equal(t->kind, ER_SYM_TEXT);
	assert_string_equal(t->label, "name");
	assert_string_equal(t->font_family, "Noto Sans");
	assert_true(t->font_size == 12);
	assert_true(t->has_halo && t->halo_radius == 2);
	er_style_destroy(s);
}

static void
expect_error(const char *body, const char *where, const char *msg)
{
	char doc[4096];
	snprintf(doc, sizeof doc, "%s", body);
	struct er_error err = {0};
	struct er_style *s = er_style_read("bad.sld", doc, strlen(doc), &err);
	assert_null(s);
	assert_int_equal(err.code, ER_EPARSE);
	/* libxml2's own errors add a column */
	size_t n = strlen(where);
	if (strncmp(err.where, where, n) != 0 ||
	    (err.where[n] && err.where[n] != ':'))
		fail_msg("where \"%s\", expected \"%s\"", err.where, where);
	if (!strstr(err.message, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, msg);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error(SLD_HEAD "<NamedLayer><Name>x</Name><UserStyle>\n"
	                      "<FeatureTypeStyle><Rule><PolygonSymbolizer>\n"
	                      "<Fill><CssParameter name=\"fill\">red"
	                      "</CssParameter></Fill>"
	                      "</PolygonSymbolizer></Rule></FeatureTypeStyle>"
	                      "</UserStyle></NamedLayer>"
	                      "</StyledLayerDescriptor>",
	             "bad.sld:4", "fill: \"red\" is not a colour (#rrggbb)");
	expect_error(SLD_HEAD "<NamedLayer><Name>x</Name><UserStyle>\n"
	                      "<FeatureTypeStyle><Rule><ogc:Filter>\n"
	                      "<ogc:PropertyIsSimilar/></ogc:Filter>"
	                      "</Rule></FeatureTypeStyle>"
	                      "</UserStyle></NamedLayer>"
	                      "</StyledLayerDescriptor>",
	             "bad.sld:4", "unknown filter <PropertyIsSimilar>");
	expect_error(SLD_HEAD "<NamedLayer><Name>x</Name><UserStyle>\n"
	                      "<FeatureTypeStyle><Rule>\n"
	                      "<MaxScaleDenominator>many</MaxScaleDenominator>"
	                      "</Rule></FeatureTypeStyle>"
	                      "</UserStyle></NamedLayer>"
	                      "</StyledLayerDescriptor>",
	             "bad.sld:4",
	             "<MaxScaleDenominator> needs a number, not \"many\"");
	expect_error(SLD_HEAD "<NamedLayer><Name>x</Name><UserStyle>\n"
	                      "<FeatureTypeStyle><Rule><ogc:Filter>\n"
	                      "<ogc:PropertyIsEqualTo>" PN(
	                          "a") "\n"
	                               "</ogc:PropertyIsEqualTo></ogc:Filter>"
	                               "</Rule></FeatureTypeStyle>"
	                               "</UserStyle></NamedLayer>"
	                               "</StyledLayerDescriptor>",
	             "bad.sld:4", "PropertyIsEqualTo has no ogc:Literal");
	expect_error(SLD_HEAD "<NamedLayer><Name>x</Name><UserStyle>\n"
	                      "<FeatureTypeStyle><Rule><PointSymbolizer>\n"
	                      "<Graphic><Mark><WellKnownName>blob"
	                      "</WellKnownName></Mark></Graphic>"
	                      "</PointSymbolizer></Rule></FeatureTypeStyle>"
	                      "</UserStyle></NamedLayer>"
	                      "</StyledLayerDescriptor>",
	             "bad.sld:4", "unknown WellKnownName \"blob\"");
	expect_error("<kml xmlns=\"http://www.opengis.net/kml/2.2\"/>",
	             "bad.sld:1", "is not an SLD StyledLayerDescriptor");
	expect_error(SLD_HEAD "<NamedLayer>", "bad.sld:2", "");
	/* deep nesting is refused, not recursed into */
	char deep[8192] = SLD_HEAD "<NamedLayer><Name>x</Name><UserStyle>"
	                           "<FeatureTypeStyle><Rule><ogc:Filter>";
	for (int i = 0; i < 40; i++)
		strcat(deep, "<ogc:Not>");
	strcat(deep, "<ogc:PropertyIsNull>" PN("a") "</ogc:PropertyIsNull>");
	for (int i = 0; i < 40; i++)
		strcat(deep, "</ogc:Not>");
	strcat(deep, "</ogc:Filter></Rule></FeatureTypeStyle></UserStyle>"
	             "</NamedLayer></StyledLayerDescriptor>");
	expect_error(deep, "bad.sld:2", "filters nest deeper than 32 levels");
	/* no file */
	struct er_error err = {0};
	assert_null(er_style_load("/nonexistent/x.sld", &err));
	assert_int_equal(err.code, ER_EIO);
}

static void
test_color_kml(void **state)
{
	(void)state;
	char out[9];
	struct er_color c = {1, 0.5, 0, 0.25};
	er_color_kml(&c, out);
	assert_string_equal(out, "400080ff");
	c = (struct er_color){0, 0, 1, 1};
	er_color_kml(&c, out);
	assert_string_equal(out, "ffff0000");
	c = (struct er_color){2, -1, 0.1, 0};
	er_color_kml(&c, out);
	assert_string_equal(out, "001a00ff");
}

/* The shipped style has every layer the maps draw, and its rules say
 * what the legend promises. */
static void
test_default_style(void **state)
{
	(void)state;
	const char *path = er_default_style_path();
	assert_non_null(path);
	struct er_error err = {0};
	struct er_style *s = er_style_load(path, &err);
	if (!s)
		fail_msg("%s: %s", err.where, err.message);
	static const char *const layers[] = {
	    "district", "neighbour", "household", "shelter", "hazard_zone",
	    "coverage", "roads",     "buildings", "water",   "rivers"};
	for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
		const struct er_style_layer *l = er_style_layer(s, layers[i]);
		if (!l || !l->nrules)
			fail_msg("layer %s missing or empty", layers[i]);
	}
	char out[128];
	const struct er_style_layer *h = er_style_layer(s, "household");
	struct attrs bed = {{"mobility=bedridden"}},
	             wc = {{"mobility=wheelchair"}}, walk = {{"mobility=walk"}},
	             none = {{"mobility="}};
	matched(h, &bed, 0, out, sizeof out);
	assert_string_equal(out, "mobility");
	matched(h, &wc, 0, out, sizeof out);
	assert_string_equal(out, "mobility");
	matched(h, &walk, 0, out, sizeof out);
	assert_string_equal(out, "unassigned");
	matched(h, &none, 0, out, sizeof out);
	assert_string_equal(out, "unassigned");
	const struct er_rule *r[2];
	assert_int_equal(er_style_match(h, prop, &wc, 0, r, 2), 1);
	assert_string_equal(r[0]->title, "車いす・寝たきりの方がいる世帯");
	/* every icon the style uses exists */
	for (size_t i = 0; i < s->nlayers; i++)
		for (size_t j = 0; j < s->layers[i].nrules; j++)
			for (size_t k = 0; k < s->layers[i].rules[j].nsyms;
			     k++) {
				const char *icon =
				    s->layers[i].rules[j].syms[k].icon;
				if (icon && access(icon, R_OK) != 0)
					fail_msg("icon %s missing", icon);
			}
	assert_non_null(r[0]->syms[0].icon);

	const struct er_style_layer *c = er_style_layer(s, "coverage");
	struct attrs none_r = {{"registrants=0"}};
	struct attrs low = {{"support_rate=49.9"}}, mid = {{"support_rate=50"}},
	             mid2 = {{"support_rate=79.9"}},
	             high = {{"support_rate=80"}};
	matched(c, &none_r, 0, out, sizeof out);
	assert_string_equal(out, "none");
	matched(c, &low, 0, out, sizeof out);
	assert_string_equal(out, "low");
	matched(c, &mid, 0, out, sizeof out);
	assert_string_equal(out, "mid");
	matched(c, &mid2, 0, out, sizeof out);
	assert_string_equal(out, "mid");
	matched(c, &high, 0, out, sizeof out);
	assert_string_equal(out, "high");

	const struct er_style_layer *sh = er_style_layer(s, "shelter");
	struct attrs d = {{"kind=designated"}}, e = {{"kind=emergency"}},
	             o = {{"kind=shelter"}};
	matched(sh, &d, 0, out, sizeof out);
	assert_string_equal(out, "designated");
	matched(sh, &e, 0, out, sizeof out);
	assert_string_equal(out, "emergency");
	matched(sh, &o, 0, out, sizeof out);
	assert_string_equal(out, "other");
	er_style_destroy(s);
}

static void
test_default_path_env(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *data = tu_path(dir, "data");
	char *styles = tu_path(dir, "styles");
	mkdir(data, 0700);
	mkdir(styles, 0700);
	char *sld = tu_path(styles, "default.sld");
	tu_writes(sld, "x");
	setenv("EVACREG_DATADIR", data, 1);
	const char *p = er_default_style_path();
	assert_non_null(p);
	char a[PATH_MAX], b[PATH_MAX];
	assert_non_null(realpath(p, a));
	assert_non_null(realpath(sld, b));
	assert_string_equal(a, b);
	/* a data folder without styles beside it falls back */
	unlink(sld);
	p = er_default_style_path();
	assert_non_null(p);
	assert_null(strstr(p, dir));
	unsetenv("EVACREG_DATADIR");
	free(sld);
	free(data);
	free(styles);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_like_utf8),
	    cmocka_unit_test(test_match_else_and_scale),
	    cmocka_unit_test(test_symbolizers_se11),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_color_kml),
	    cmocka_unit_test(test_default_style),
	    cmocka_unit_test(test_default_path_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
