/* evacreg: register of residents who need help to evacuate. Umbrella
 * header: include this one. */
#ifndef EVACREG_EVACREG_H
#define EVACREG_EVACREG_H

#include <evacreg/error.h>
#include <evacreg/register.h>
#include <evacreg/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "0.1.0". Static string. */
ER_API const char *er_version(void);

#ifdef __cplusplus
}
#endif
#endif
