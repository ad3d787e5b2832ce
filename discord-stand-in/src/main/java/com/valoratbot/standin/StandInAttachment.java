package com.valoratbot.standin;

/** A file uploaded with a message, bytes included so tests can decode it. */
public record StandInAttachment(long id, String filename, String contentType, long size, byte[] bytes) {

    @Override
    public String toString() {
        return "StandInAttachment[id=" + id + ", filename=" + filename + ", contentType=" + contentType + ", size="
                + size + "]";
    }
}
