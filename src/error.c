/* The error record: set once through er_fail(), read by the CLI. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <evacreg/error.h>

enum er_code
er_fail(struct er_error *err, enum er_code code, const char *where,
	const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->where, sizeof err->where, "%s", where ? where : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return code;
}

void
er_error_clear(struct er_error *err)
{
	if (!err)
		return;
	err->code = ER_OK;
	err->where[0] = '\0';
	err->message[0] = '\0';
}

const char *
er_code_name(enum er_code code)
{
	switch (code) {
	case ER_OK:
		return "ok";
	case ER_ENOMEM:
		return "out of memory";
	case ER_EIO:
		return "I/O error";
	case ER_EPARSE:
		return "parse error";
	case ER_EINVALID:
		return "invalid data";
	case ER_EDB:
		return "database error";
	case ER_ECRS:
		return "coordinate transformation error";
	case ER_ERENDER:
		return "rendering error";
	case ER_EUSAGE:
		return "usage error";
	}
	return "unknown error";
}
