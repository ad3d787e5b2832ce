package com.valoratbot.standin;

/** Counters of the Gateway side, for asserting that a client resumed instead of re-identifying. */
public record GatewayStats(
        int identifies, int resumes, int invalidatedSessions, int openConnections, int rateLimitedIdentifies) {

    /** Without the IDENTIFY pacing counter, for callers written before it existed. */
    public GatewayStats(int identifies, int resumes, int invalidatedSessions, int openConnections) {
        this(identifies, resumes, invalidatedSessions, openConnections, 0);
    }
}
