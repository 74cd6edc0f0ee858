/* evacreg: error codes and the error record every fallible call fills. */
#ifndef EVACREG_ERROR_H
#define EVACREG_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ER_BUILDING_LIBRARY) && defined(__GNUC__)
#define ER_API __attribute__((visibility("default")))
#else
#define ER_API
#endif

#if defined(__GNUC__)
#define ER_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ER_PRINTF(a, b)
#endif

enum er_code {
	ER_OK = 0,
	ER_ENOMEM,
	ER_EIO,
	ER_EPARSE,   /* input is not well-formed CSV, JSON, KML, GML or SLD */
	ER_EINVALID, /* well-formed, but breaks a register rule */
	ER_EDB,      /* SQLite or SpatiaLite failed */
	ER_ECRS,     /* PROJ failed */
	ER_ERENDER,  /* Cairo/Pango failed */
	ER_EUSAGE,   /* the caller asked for something impossible */
};

struct er_error {
	enum er_code code;
	char where[256];   /* "shelters.kml:42" or "register.db: shelter 17" */
	char message[512]; /* one plain-English sentence */
};

/* Sets err (when not NULL) and returns code. where may be NULL. */
ER_API enum er_code er_fail(struct er_error *err, enum er_code code,
			    const char *where, const char *fmt, ...)
	ER_PRINTF(4, 5);

/* Clears err to ER_OK. NULL: no-op. */
ER_API void er_error_clear(struct er_error *err);

/* A short name for a code, e.g. "parse error". Static string. */
ER_API const char *er_code_name(enum er_code code);

/* Frees memory that evacreg returned to the caller. NULL: no-op. */
ER_API void er_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
