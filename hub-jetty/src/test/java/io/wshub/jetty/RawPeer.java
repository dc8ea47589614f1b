package io.wshub.jetty;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer written byte by byte on a plain socket, so a test can send what no WebSocket
 * library would: unmasked frames, reserved opcodes, bad close frames.
 */
final class RawPeer implements AutoCloseable {

    /** One frame read from the server. */
    record Received(int opCode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** How the server ended the connection: its close frame's code and reason, or no frame at all. */
    record Ending(Integer code, String reason, List<Received> frames) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The server's answer to the upgrade. */
    private String head;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** One frame as it came: its first byte (FIN, RSV, opcode) and its payload. */
    record RawFrame(int firstByte, byte[] payload) {
    }

    /** Connects and completes the upgrade to {@code path}, failing unless the server answers 101. */
    static RawPeer connect(int port, String path, Duration timeout) throws IOException {
        return connect(port, path, timeout, "");
    }

    /** Connects with these extra header lines (each ending in CRLF); {@link #head()} is the server's answer. */
    static RawPeer connect(int port, String path, Duration timeout, String extraHeaders) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) timeout.toMillis());
        RawPeer peer = new RawPeer(socket);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        peer.out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = peer.readHead();
        peer.head = head;
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + head);
        }
        return peer;
    }

    private String readHead() throws IOException {
        return readHead(in);
    }

    /** Reads an HTTP response's head, up to the blank line, or what came before the stream ended. */
    static String readHead(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Writes one frame: {@code firstByte} is FIN, RSV and opcode as they go on the wire. */
    RawPeer send(int firstByte, byte[] payload, boolean mask) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int maskBit = mask ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(maskBit | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xFF);
        } else {
            f.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] body = payload.clone();
        if (mask) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            f.write(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i % 4];
            }
        }
        f.write(body);
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    /** Writes these bytes as they are: a frame cut short, a header that lies about its length. */
    RawPeer sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A masked frame's header (mask key included) declaring this payload length, whatever follows it. */
    static byte[] header(int firstByte, long declaredLength) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        if (declaredLength < 126) {
            f.write(0x80 | (int) declaredLength);
        } else if (declaredLength <= 0xFFFF) {
            f.write(0x80 | 126);
            f.write((int) (declaredLength >>> 8));
            f.write((int) (declaredLength & 0xFF));
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) (declaredLength >>> shift) & 0xFF);
            }
        }
        f.writeBytes(new byte[4]); // a zero mask key: the payload goes as it is
        return f.toByteArray();
    }

    /** Writes one whole, masked frame of this opcode. */
    RawPeer send(int opCode, byte[] payload) throws IOException {
        return send(0x80 | opCode, payload, true);
    }

    /** Reads frames until the server's close frame, the end of the stream, or the socket's timeout. */
    Ending readUntilClose() throws IOException {
        List<Received> frames = new ArrayList<>();
        try {
            while (true) {
                RawFrame frame;
                try {
                    frame = readFrame();
                } catch (EOFException e) {
                    return new Ending(null, "end of stream", frames);
                }
                byte[] payload = frame.payload();
                int opCode = frame.firstByte() & 0x0F;
                frames.add(new Received(opCode, payload));
                if (opCode == 0x8) {
                    Integer code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : null;
                    String reason = payload.length > 2
                            ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    return new Ending(code, reason, frames);
                }
            }
        } catch (SocketTimeoutException e) {
            return new Ending(null, "timed out", frames);
        }
    }

    /** The port this peer's socket is bound to: the server's remote port for it. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** The server's answer to the upgrade, headers included. */
    String head() {
        return head;
    }

    /** Reads the next frame, whatever it is. */
    RawFrame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new RawFrame(b0, payload);
    }

    /** Sends nothing more: the server reads the end of the stream after what was sent. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
