/*
 * office_int.h - what the office's files in access/ share and nothing else
 * includes: the loading of a body a kiosk POSTed.
 */
#ifndef SEUIL_OFFICE_INT_H
#define SEUIL_OFFICE_INT_H

#include <jansson.h>
#include <stddef.h>

/*
 * Parses body (len bytes, at most OFFICE_BODY_MAX) as a JSON object whose
 * "device" is device.  On SEUIL_OK *root is the tree (the caller decrefs
 * it); on an error *root may be set too and must be decref'd all the same.
 * what names the body in messages ("a batch", "an acknowledgement").
 */
int office_body_load(const char *device, const char *body, size_t len, const char *what, json_t **root,
		     char *err, size_t errlen);

#endif
