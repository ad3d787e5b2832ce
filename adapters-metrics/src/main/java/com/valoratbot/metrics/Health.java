package com.valoratbot.metrics;

import java.util.Objects;

/** One readiness check's answer: up, or down with why (shown to the operator as is). */
public sealed interface Health {

    String detail();

    record Up(String detail) implements Health {
        public Up {
            Objects.requireNonNull(detail, "detail");
        }
    }

    record Down(String detail) implements Health {
        public Down {
            Objects.requireNonNull(detail, "detail");
        }
    }

    static Health up(String detail) {
        return new Up(detail);
    }

    static Health down(String detail) {
        return new Down(detail);
    }
}
