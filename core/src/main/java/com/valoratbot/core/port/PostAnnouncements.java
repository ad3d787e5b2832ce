package com.valoratbot.core.port;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.result.Result;

public interface PostAnnouncements {

    /** @return the id of the posted message */
    Result<Snowflake> announce(CommandContext context, Announcement announcement);
}
