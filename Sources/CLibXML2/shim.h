#ifndef SLUICE_CLIBXML2_SHIM_H
#define SLUICE_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU; its headers clash with the ICU that Foundation bundles. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xmlerror.h>

/* xmlFree is a mutable global function pointer, which Swift 6 refuses to read. */
static inline void sluice_xml_free(void *memory) {
    xmlFree(memory);
}

/* xmlParserVersion is a macro over a per-thread global: the version of the library loaded, e.g. "20914". */
static inline const char *sluice_xml_parser_version(void) {
    return xmlParserVersion;
}
#endif
