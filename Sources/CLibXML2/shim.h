#ifndef TRUSTLINE_CLIBXML2_SHIM_H
#define TRUSTLINE_CLIBXML2_SHIM_H

// libxml2 is built with ICU, so <libxml/encoding.h> includes <unicode/ucnv.h>. Those system ICU
// headers clash with the ICU that Foundation bundles (module _FoundationICU: "'UErrorCode' has
// different definitions in different modules"), depending on build order. trustline never uses
// libxml2's encoding handlers (the only structs whose layout depends on ICU), so the ICU part of
// the headers is left out: xmlversion.h is read first, then its ICU switch is turned off.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#endif
