package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PostAnnouncements;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Stands in for Discord: records each post and answers a message id (or a given failure). */
final class RecordingAnnouncements implements PostAnnouncements {

    record Post(CommandContext context, Announcement announcement, Snowflake messageId) {}

    private static final AtomicLong NEXT_ID = new AtomicLong(1400000000000000000L);
    final List<Post> posts = new CopyOnWriteArrayList<>();
    private volatile Failure failure;

    RecordingAnnouncements failingWith(Failure f) {
        failure = f;
        return this;
    }

    @Override
    public Result<Snowflake> announce(CommandContext context, Announcement announcement) {
        if (failure != null) return Result.err(failure);
        Snowflake id = Snowflake.of(NEXT_ID.incrementAndGet());
        posts.add(new Post(context, announcement, id));
        return Result.ok(id);
    }
}
