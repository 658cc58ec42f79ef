#ifndef HAETAE_CMOSQUITTO_SHIM_H
#define HAETAE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
