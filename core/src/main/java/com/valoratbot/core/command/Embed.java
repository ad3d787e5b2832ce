package com.valoratbot.core.command;

import java.net.URI;
import java.util.Optional;

/** A rich embed as the dashboard sends it; every part optional, at least one present. */
public record Embed(
        Optional<String> title, Optional<String> description, Optional<Integer> color, Optional<URI> image) {

    public static final int MAX_TITLE = 256;
    public static final int MAX_DESCRIPTION = 4096;
}
