package com.valoratbot.core.port.activity;

import com.valoratbot.core.activity.ActivityBatch;

/**
 * Where the aggregator's batches go. {@link #store} adds the batch's counts to what is stored (it
 * never overwrites a day's totals) and records each member's latest name; it either stores the whole
 * batch or throws, in which case the aggregator keeps the counts for the next flush.
 */
@FunctionalInterface
public interface ActivityStore {

    void store(ActivityBatch batch);
}
