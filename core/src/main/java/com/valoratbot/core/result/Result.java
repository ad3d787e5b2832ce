package com.valoratbot.core.result;

import java.util.function.Function;

/** What a port or use case returns: a value, or a {@link Failure} the user can act on. */
public sealed interface Result<T> {

    record Ok<T>(T value) implements Result<T> {}

    record Err<T>(Failure failure) implements Result<T> {}

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> err(Failure failure) {
        return new Err<>(failure);
    }

    static <T> Result<T> err(ErrorCode code, String key, Object... args) {
        return new Err<>(Failure.of(code, key, args));
    }

    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T>(var v) -> new Ok<>(f.apply(v));
            case Err<T>(var failure) -> new Err<>(failure);
        };
    }

    default <U> Result<U> flatMap(Function<? super T, Result<U>> f) {
        return switch (this) {
            case Ok<T>(var v) -> f.apply(v);
            case Err<T>(var failure) -> new Err<>(failure);
        };
    }
}
