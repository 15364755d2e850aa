// head_load: HEAD requests per second over keep-alive connections. wrk 4.1 and ab both wait for
// a body after a HEAD response that carries Content-Length, so neither can measure HEAD.
// Usage: head_load HOST PORT PATH CONNECTIONS SECONDS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: head_load HOST PORT PATH CONNECTIONS SECONDS\n");
    return 2;
  }
  std::string host = argv[1];
  int port = std::atoi(argv[2]);
  std::string request = std::string("HEAD ") + argv[3] + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
  int connections = std::atoi(argv[4]);
  auto duration = std::chrono::seconds(std::atoi(argv[5]));
  std::atomic<long> done{0};
  std::atomic<long> bad{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
      if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ++bad;
        return;
      }
      char buffer[8192];
      while (!stop) {
        if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size()))
          break;
        std::string response;
        while (response.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = read(fd, buffer, sizeof buffer);
          if (n <= 0) {
            close(fd);
            return;
          }
          response.append(buffer, static_cast<size_t>(n));
        }
        if (response.compare(0, 12, "HTTP/1.1 200") == 0) {
          ++done;
        } else {
          ++bad;
        }
      }
      close(fd);
    });
  }
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(duration);
  stop = true;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& t : threads) t.join();
  std::printf("%.2f %ld\n", static_cast<double>(done) / seconds, bad.load());
  return bad > 0 ? 1 : 0;
}
