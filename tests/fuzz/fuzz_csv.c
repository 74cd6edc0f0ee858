/* Fuzz target for the CSV reader: reads every record of the input in AUTO
 * encoding mode and runs each field through every value parser. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <evacreg/error.h>

#include "src/csv.h"
#include "src/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_field(const char *f, FILE *sink)
{
	char iso[11], sex, reasons[256], copy[256];
	const char *out, *why;
	int b;
	double d;
	long l;

	er_value_date(f, iso, &why);
	er_value_sex(f, &sex, &why);
	er_value_consent(f, &out, &why);
	er_value_status(f, &out, &why);
	er_value_bool(f, &b, &why);
	er_value_double(f, &d, &why);
	er_value_uint(f, &l, &why);
	er_value_role(f, &out, &why);
	er_value_reasons(f, reasons, sizeof reasons, &why);
	er_value_reasons(f, reasons, 5, &why);
	er_value_mobility(f, &out, &why);
	er_value_age(f, "2024-05-01");
	er_value_age("1940-03-01", f);
	snprintf(copy, sizeof copy, "%s", f);
	er_value_normalise(copy);
	if (sink)
		er_csv_write_field(sink, f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct er_error err;

	if (!sink)
		sink = fopen("/dev/null", "w");
	struct er_csv *csv = er_csv_open_mem("fuzz.csv", (const char *)data,
	                                     size, ER_ENC_AUTO, &err);
	if (!csv)
		return 0;
	int r;
	while ((r = er_csv_next(csv, &err)) != 0) {
		size_t rawlen;
		const char *raw = er_csv_raw(csv, &rawlen);
		if (strlen(raw) != rawlen)
			__builtin_trap();
		if (r < 0) {
			if (err.code != ER_EPARSE && err.code != ER_ENOMEM)
				__builtin_trap();
			continue;
		}
		for (size_t i = 0; i < er_csv_nfields(csv); i++) {
			unsigned line, column;
			er_csv_field_pos(csv, i, &line, &column);
			if (line < er_csv_line(csv) || column == 0)
				__builtin_trap();
			parse_field(er_csv_field(csv, i), sink);
		}
	}
	er_csv_close(csv);
	return 0;
}
