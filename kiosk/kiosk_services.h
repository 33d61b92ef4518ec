/*
 * kiosk_services.h - the store and door behind the screens' pure state
 * machine: the visitor flows' services (kiosk_visitors.c), staff mode's
 * (kiosk_staff.c) and the rooms' (kiosk_book.c), bound to the running appliance.
 */
#ifndef SEUIL_KIOSK_SERVICES_H
#define SEUIL_KIOSK_SERVICES_H

#include "appliance.h"
#include "ui_book.h"
#include "ui_staff.h"
#include "ui_visitor.h"

/* Services over app's store; the result lives until kiosk_*_services_free(). */
struct ui_visitor_services *kiosk_visitor_services(struct appliance *app);
void kiosk_visitor_services_free(struct ui_visitor_services *svc);
struct ui_staff_services *kiosk_staff_services(struct appliance *app);
void kiosk_staff_services_free(struct ui_staff_services *svc);
struct ui_book_services *kiosk_book_services(struct appliance *app);
void kiosk_book_services_free(struct ui_book_services *svc);
/* True when a room can be booked now (book now is worth offering after a badge). */
bool kiosk_book_possible(struct appliance *app);

#endif
