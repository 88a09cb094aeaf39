package org.echofs.gateway.export;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link HostResolver} from fixed tables, counting reverse look-ups. For tests. */
public final class FakeResolver implements HostResolver {

    private final Map<String, List<InetAddress>> forward = new HashMap<>();
    private final Map<InetAddress, String> reverse = new HashMap<>();
    public final AtomicInteger reverseLookups = new AtomicInteger();

    public FakeResolver host(String name, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) list.add(addr(a));
        forward.put(name, list);
        return this;
    }

    public FakeResolver name(String address, String name) {
        reverse.put(addr(address), name);
        return this;
    }

    public static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only in tests: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public synchronized List<InetAddress> addressesOf(String hostName) throws UnknownHostException {
        List<InetAddress> a = forward.get(hostName);
        if (a == null) throw new UnknownHostException(hostName);
        return a;
    }

    @Override
    public synchronized String nameOf(InetAddress address) {
        reverseLookups.incrementAndGet();
        return reverse.get(address);
    }
}
