#include "engines/docker/unix_http_server.hpp"

#include <fmt/core.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <thread>

namespace sy::engines::docker {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Local = asio::local::stream_protocol;
using boost::system::error_code;

namespace {

// Whether a live process accepts connections on `path` (a stale file left by a crash does not).
bool someone_listens(const std::string& path) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    const bool live = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return live;
}

// One client connection: read a request, answer it, and again while the client keeps the
// connection alive (Go's HTTP client, which Docker uses, does).
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(Local::socket socket, const UnixHttpServer::Handler& handler)
        : socket_(std::move(socket)), handler_(handler) {}

    void read() {
        request_ = {};
        http::async_read(socket_, buffer_, request_,
                         [self = shared_from_this()](error_code ec, std::size_t) {
                             if (!ec) self->answer();
                         });
    }

  private:
    void answer() {
        HttpReply reply;
        if (request_.method() != http::verb::post) {
            reply = {405, R"({"Err":"only POST is served"})"};
        } else {
            reply = handler_(std::string(request_.target()), request_.body());
        }
        response_ = {};
        response_.version(request_.version());
        response_.result(static_cast<unsigned>(reply.status));
        response_.set(http::field::content_type, "application/vnd.docker.plugins.v1+json");
        response_.keep_alive(request_.keep_alive());
        response_.body() = std::move(reply.body);
        response_.prepare_payload();
        http::async_write(socket_, response_,
                          [self = shared_from_this()](error_code ec, std::size_t) {
                              if (!ec && self->response_.keep_alive()) self->read();
                          });
    }

    Local::socket socket_;
    const UnixHttpServer::Handler& handler_;
    boost::beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
};

}  // namespace

struct UnixHttpServer::Impl {
    Options options;
    asio::io_context context;
    Local::acceptor acceptor{context};
    asio::steady_timer timer{context};
    std::thread thread;

    void accept() {
        acceptor.async_accept([this](error_code ec, Local::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) std::make_shared<Session>(std::move(socket), options.handler)->read();
            accept();
        });
    }

    void schedule_tick() {
        timer.expires_after(options.tick_interval);
        timer.async_wait([this](error_code ec) {
            if (ec) return;
            options.on_tick();
            schedule_tick();
        });
    }
};

Result<std::unique_ptr<UnixHttpServer>> UnixHttpServer::start(Options options) {
    auto impl = std::make_unique<Impl>();
    impl->options = std::move(options);
    const std::string& path = impl->options.socket_path;
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
        return Status(Errc::invalid_argument, fmt::format("socket path {} is too long", path));
    }
    if (access(path.c_str(), F_OK) == 0) {
        if (someone_listens(path)) {
            return Status(Errc::already_exists,
                          fmt::format("another process already serves {}", path));
        }
        unlink(path.c_str());  // left by a daemon that crashed
    }
    error_code ec;
    impl->acceptor.open(Local(), ec);
    if (!ec) impl->acceptor.bind(Local::endpoint(path), ec);
    if (!ec) chmod(path.c_str(), 0600);
    if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return Status(Errc::io_error, fmt::format("cannot listen on {}: {}", path, ec.message()));
    }
    impl->accept();
    if (impl->options.tick_interval.count() > 0 && impl->options.on_tick) impl->schedule_tick();
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] { raw->context.run(); });
    return std::unique_ptr<UnixHttpServer>(new UnixHttpServer(std::move(impl)));
}

UnixHttpServer::UnixHttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UnixHttpServer::~UnixHttpServer() {
    impl_->context.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    error_code ignored;
    impl_->acceptor.close(ignored);
    unlink(impl_->options.socket_path.c_str());
}

}  // namespace sy::engines::docker
