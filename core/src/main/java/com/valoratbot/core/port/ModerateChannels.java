package com.valoratbot.core.port;

import com.valoratbot.core.command.Command.Lock;
import com.valoratbot.core.command.Command.Slowmode;
import com.valoratbot.core.command.Command.Unlock;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;

/** Slowmode and lock/unlock of one channel. Locking twice, or unlocking an unlocked channel, is harmless. */
public interface ModerateChannels {

    Result<Done> slowmode(CommandContext context, Slowmode slowmode);

    Result<Done> lock(CommandContext context, Lock lock);

    /** Restores exactly what @everyone had before the lock, not a blanket allow. */
    Result<Done> unlock(CommandContext context, Unlock unlock);
}
