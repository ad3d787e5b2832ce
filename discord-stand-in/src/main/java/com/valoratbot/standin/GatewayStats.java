package com.valoratbot.standin;

/** Counters of the Gateway side, for asserting that a client resumed instead of re-identifying. */
public record GatewayStats(int identifies, int resumes, int invalidatedSessions, int openConnections) {}
