package org.echofs.cli;

import org.echofs.cli.config.Addresses;
import org.echofs.cli.config.JvmOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;

/** picocli converters shared by the commands. Stateless. */
final class Flags {

    private Flags() {
    }

    /** A TCP port, 0 to 65535 (0 = ephemeral). */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a port (0 to 65535)");
        }
    }

    /** An IP address literal. */
    static final class Address implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return Addresses.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A maximum heap size ({@link JvmOptions#parseHeap}). */
    static final class Heap implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return JvmOptions.parseHeap(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Whole seconds, at least 1. */
    static final class Seconds implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int s = Integer.parseInt(value.trim());
                if (s >= 1) {
                    return s;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a number of seconds (1 or more)");
        }
    }
}
