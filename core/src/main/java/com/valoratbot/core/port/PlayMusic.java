package com.valoratbot.core.port;

import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import java.util.List;
import java.util.Optional;

/** One music player per guild. */
public interface PlayMusic {

    Result<QueuedTrack> play(CommandContext context, Play play);

    Result<Done> pause(CommandContext context);

    Result<Done> resume(CommandContext context);

    Result<Done> skip(CommandContext context);

    Result<Done> stop(CommandContext context);

    Result<QueueView> queue(CommandContext context);

    Result<Done> removeFromQueue(CommandContext context, int index);

    /** Lengths in milliseconds; {@code artworkUrl} and {@code uri} may be null. */
    record Track(String title, String author, long lengthMs, String artworkUrl, String uri) {}

    /** @param position 0 when the track plays now, otherwise its 1-based place in the queue */
    record QueuedTrack(Track track, int position) {}

    record NowPlaying(Track track, long positionMs, boolean paused) {}

    record QueueView(Optional<NowPlaying> nowPlaying, List<Track> queue) {}
}
