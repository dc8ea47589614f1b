package io.wshub.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads IP address literals strictly, never asking DNS: they come from configuration and from
 * request headers, where a name must not trigger a lookup. Internal to hub-core: public only for
 * its other packages.
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /**
     * The address this literal writes: an IPv4 dotted quad ({@code 192.0.2.7}; no leading zeros, no
     * shortened forms) or an IPv6 address ({@code 2001:db8::1}, {@code ::ffff:192.0.2.7}; no
     * brackets, no zone). An IPv4-mapped IPv6 address is its IPv4 address.
     *
     * @return the address, or null when the text is not such a literal
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) { // the longest IPv6 text form
            return null;
        }
        if (text.indexOf(':') < 0) {
            byte[] v4 = ipv4(text);
            return v4 == null ? null : address(v4);
        }
        // A literal with a colon that starts with a hex digit or a colon is parsed by the JDK as an
        // IPv6 literal, never looked up; these characters rule out zones and every other form.
        if (Character.digit(text.charAt(0), 16) < 0 && text.charAt(0) != ':') {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // a leading zero: octal to some parsers, decimal to others
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    /** The address with every bit after the first {@code prefix} cleared: its network's. */
    public static InetAddress masked(InetAddress address, int prefix) {
        try {
            return InetAddress.getByAddress(masked(address.getAddress(), prefix));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** A copy of these address bytes with every bit after the first {@code prefix} cleared. */
    public static byte[] masked(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }
}
