package com.valoratbot.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API calls answered, oldest first. Bounded so a long benchmark run cannot exhaust memory; the counts
 * keep counting past the bound.
 */
final class RequestLog {

    private final int capacity;
    private final ArrayDeque<RecordedRequest> entries = new ArrayDeque<>();
    private final Map<String, Long> byRoute = new TreeMap<>();
    private final Map<Integer, Long> byStatus = new TreeMap<>();
    private long total;

    RequestLog(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(RecordedRequest request) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(request);
        total++;
        byRoute.merge(request.route(), 1L, Long::sum);
        byStatus.merge(request.status(), 1L, Long::sum);
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
        byRoute.clear();
        byStatus.clear();
        total = 0;
    }

    synchronized ObjectNode counts() {
        ObjectNode counts = Json.object().put("total", total);
        ObjectNode routes = counts.putObject("by_route");
        byRoute.forEach(routes::put);
        ObjectNode statuses = counts.putObject("by_status");
        byStatus.forEach((status, count) -> statuses.put(Integer.toString(status), count));
        return counts;
    }
}
