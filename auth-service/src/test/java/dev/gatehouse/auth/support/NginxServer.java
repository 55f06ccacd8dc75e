package dev.gatehouse.auth.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real nginx (the Debian package) on loopback, running a server configuration the test gives,
 * as an {@code http {}} include, beside a small app server that echoes the identity headers it
 * receives. A missing binary fails the test, as for Redis.
 */
public final class NginxServer extends ProxyProcess {

    private NginxServer(Path directory, Process process, int port) {
        super(directory, process, port);
    }

    /**
     * @param serverConfig the {@code http {}} part; {@code %APP%} becomes the echo app's address,
     *                     {@code %PORT%} the port nginx listens on
     */
    public static NginxServer start(String serverConfig) throws IOException, InterruptedException {
        Path binary = binary("nginx", "/usr/sbin/nginx", "/usr/bin/nginx");
        Path directory = Files.createTempDirectory("gatehouse-nginx");
        int port = FreePort.pick();
        int appPort = FreePort.pick();
        Files.writeString(directory.resolve("server.conf"), serverConfig
                .replace("%APP%", "127.0.0.1:" + appPort).replace("%PORT%", Integer.toString(port)));
        Files.writeString(directory.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log notice;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            return 200 "subject=$http_x_auth_subject client=$http_x_auth_client_id scope=$http_x_auth_scope token=$http_x_auth_token_id\\n";
                        }
                    }
                    include %1$s/server.conf;
                }
                """.formatted(directory, appPort));
        Process process = new ProcessBuilder(binary.toString(), "-p", directory.toString(), "-e", directory + "/error.log",
                "-c", directory.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("stdout.log").toFile())
                .start();
        NginxServer nginx = new NginxServer(directory, process, port);
        nginx.awaitListening(appPort);
        return nginx;
    }

    @Override
    public String log() throws IOException {
        Path log = directory().resolve("error.log");
        return (Files.exists(log) ? Files.readString(log) : "")
                + Files.readString(directory().resolve("stdout.log"));
    }
}
