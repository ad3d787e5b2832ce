package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A parsed API call handed to an endpoint. Header names are lower-case. */
record RestRequest(
        Endpoint endpoint,
        Map<String, String> params,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body) {

    /** A snowflake path parameter; Discord answers 400 50035 when it is not a number. */
    long id(String param) {
        return snowflake(params.get(param), param);
    }

    static long snowflake(String value, String field) {
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw ApiException.invalidForm("NUMBER_TYPE_COERCE", "Value \"" + value + "\" is not snowflake.", field);
        }
    }

    JsonNode json() {
        if (body.length == 0) {
            return Json.object();
        }
        try {
            return Json.parse(body);
        } catch (IOException e) {
            throw ApiException.invalidJson();
        }
    }

    String contentType() {
        return headers.getOrDefault("content-type", "");
    }

    /** The X-Audit-Log-Reason header, which clients URL-encode so it survives as an HTTP header. */
    String auditReason() {
        String raw = headers.get("x-audit-log-reason");
        if (raw == null) {
            return null;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
