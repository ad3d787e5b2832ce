package com.valoratbot.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Discord JSON error: HTTP status plus Discord's numeric {@code code} and {@code message}
 * ("JSON Error Codes" in the developer docs). Thrown by endpoints, turned into the response body by the API.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final int code;
    final ObjectNode errors;
    /** Seconds to wait, for 429 answers. */
    final double retryAfter;

    private ApiException(int status, int code, String message, ObjectNode errors, double retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }

    static ApiException of(int status, int code, String message) {
        return new ApiException(status, code, message, null, 0);
    }

    static ApiException unauthorized() {
        return of(401, 0, "401: Unauthorized");
    }

    static ApiException notFound() {
        return of(404, 0, "404: Not Found");
    }

    static ApiException methodNotAllowed() {
        return of(405, 0, "405: Method Not Allowed");
    }

    static ApiException unknownChannel() {
        return of(404, 10003, "Unknown Channel");
    }

    static ApiException unknownGuild() {
        return of(404, 10004, "Unknown Guild");
    }

    static ApiException unknownMember() {
        return of(404, 10007, "Unknown Member");
    }

    static ApiException unknownMessage() {
        return of(404, 10008, "Unknown Message");
    }

    static ApiException unknownOverwrite() {
        return of(404, 10009, "Unknown Overwrite");
    }

    static ApiException unknownRole() {
        return of(404, 10011, "Unknown Role");
    }

    static ApiException unknownUser() {
        return of(404, 10013, "Unknown User");
    }

    static ApiException missingAccess() {
        return of(403, 50001, "Missing Access");
    }

    static ApiException missingPermissions() {
        return of(403, 50013, "Missing Permissions");
    }

    static ApiException emptyMessage() {
        return of(400, 50006, "Cannot send an empty message");
    }

    static ApiException nonTextChannel() {
        return of(400, 50008, "Cannot send messages in a non-text channel");
    }

    static ApiException wrongChannelType() {
        return of(400, 50024, "Cannot execute action on this channel type");
    }

    static ApiException tooOldToBulkDelete() {
        return of(400, 50034, "You can only bulk delete messages that are under 14 days old.");
    }

    static ApiException invalidJson() {
        return of(400, 50109, "The request body contains invalid JSON.");
    }

    static ApiException tooLarge() {
        return of(413, 40005, "Request entity too large");
    }

    static ApiException slowmode(double retryAfterSeconds) {
        return new ApiException(
                429, 20016, "This action cannot be performed due to slowmode rate limit.", null, retryAfterSeconds);
    }

    /**
     * 400 code 50035 with Discord's nested error tree, e.g. path {@code ["messages"]} gives
     * {@code {"messages":{"_errors":[{"code":..,"message":..}]}}}.
     */
    static ApiException invalidForm(String errorCode, String errorMessage, String... path) {
        ObjectNode errors = Json.object();
        ObjectNode node = errors;
        for (String key : path) {
            node = node.putObject(key);
        }
        node.putArray("_errors").addObject().put("code", errorCode).put("message", errorMessage);
        return new ApiException(400, 50035, "Invalid Form Body", errors, 0);
    }

    ObjectNode body() {
        ObjectNode body = Json.object().put("message", getMessage()).put("code", code);
        if (errors != null) {
            body.set("errors", errors);
        }
        if (status == 429) {
            body.put("retry_after", retryAfter).put("global", false);
        }
        return body;
    }
}
