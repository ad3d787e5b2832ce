package com.valoratbot.core.result;

/** The unit value of a successful action whose result is just {@code {"ok": true}}. */
public enum Done {
    DONE
}
