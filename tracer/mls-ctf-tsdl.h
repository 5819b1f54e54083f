/*
 * mls-ctf-tsdl.h: the packet-describing part of a CTF 1.8 trace's
 * metadata, parsed (mls-ctf-tsdl.c) for mls-ctf-layout.c to place fields
 * in. Not for other use: it reads no event descriptions.
 */
#ifndef MLS_CTF_TSDL_H
#define MLS_CTF_TSDL_H

#include <glib.h>

typedef enum {
  MLS_TSDL_INT,
  MLS_TSDL_STRUCT,
  MLS_TSDL_ARRAY,
  MLS_TSDL_UNKNOWN,         /* of a size known only from the data */
} MlsTsdlKind;

typedef struct MlsTsdlType MlsTsdlType;

typedef struct {
  char *name;
  MlsTsdlType *type;
} MlsTsdlMember;

struct MlsTsdlType {
  MlsTsdlKind kind;
  guint64 size, align;      /* INT: bits; STRUCT: align only */
  GArray *members;          /* STRUCT: MlsTsdlMember */
  MlsTsdlType *element;     /* ARRAY */
  guint64 count;
};

typedef struct {
  guint64 id;
  MlsTsdlType *context;     /* packet.context, or NULL */
} MlsTsdlStream;

typedef struct {
  MlsTsdlType *header;      /* the trace's packet.header, or NULL */
  GArray *streams;          /* MlsTsdlStream, in the metadata's order */
  gboolean big_endian;
  char *uuid;               /* the trace's uuid = "...", or NULL */
  guint64 clock_freq;       /* 0 when no clock says */
  gboolean too_deep;        /* types nested past what is sane */
  GPtrArray *types;         /* every type, owned */
} MlsTsdl;

/* Never fails: what it cannot read it skips or marks unknown. */
MlsTsdl *mls_tsdl_parse (const char *text);
void mls_tsdl_free (MlsTsdl *tsdl);

#endif /* MLS_CTF_TSDL_H */
