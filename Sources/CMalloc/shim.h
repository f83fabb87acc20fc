#ifndef SLUICE_CMALLOC_SHIM_H
#define SLUICE_CMALLOC_SHIM_H
/* glibc's allocator settings (mallopt), which Swift's Glibc module does not bring in. */
#include <malloc.h>
#endif
