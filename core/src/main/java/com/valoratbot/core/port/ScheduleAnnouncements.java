package com.valoratbot.core.port;

import com.valoratbot.core.command.Command.ScheduleAnnounce;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import java.time.Instant;
import java.util.List;

public interface ScheduleAnnouncements {

    /** @return the id the dashboard uses to cancel it */
    Result<String> schedule(CommandContext context, ScheduleAnnounce command);

    Result<List<ScheduledAnnouncement>> pending(CommandContext context);

    Result<Done> cancel(CommandContext context, String scheduledId);

    /**
     * @param status    pending, sending, sent, failed, missed or cancelled
     * @param messageId the posted message once {@code sent}, else null
     * @param reason    why it was not sent ({@code failed}, {@code missed}), else null
     */
    record ScheduledAnnouncement(
            String scheduledId,
            String channelId,
            Instant scheduledFor,
            String message,
            boolean hasEmbed,
            String status,
            String messageId,
            String reason) {}
}
