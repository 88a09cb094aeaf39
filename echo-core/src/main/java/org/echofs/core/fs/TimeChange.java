package org.echofs.core.fs;

/** How SETATTR (and the attributes given to CREATE and friends) change a time stamp. */
public sealed interface TimeChange {

    /** Set the time to the server's current time (NFSv3 SET_TO_SERVER_TIME). */
    record ServerTime() implements TimeChange { }

    /** Set the time to a value the client gives (NFSv3 SET_TO_CLIENT_TIME). */
    record ClientTime(long nanos) implements TimeChange { }

    TimeChange SERVER = new ServerTime();
}
