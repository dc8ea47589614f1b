package io.wshub.client.jetty;

import io.wshub.spi.Scheduler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The wshub {@link Scheduler} on the timer thread of the transport's Jetty client. */
final class JettyScheduler implements Scheduler {

    private final JettyClientTransport transport;

    JettyScheduler(JettyClientTransport transport) {
        this.transport = transport;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        org.eclipse.jetty.util.thread.Scheduler.Task scheduled =
                transport.jettyScheduler().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return scheduled::cancel;
    }
}
