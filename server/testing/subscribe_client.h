// Client side of EventService.Subscribe for the service tests: open a stream, read
// records through a position, check density.
#ifndef CTI_SERVER_TESTING_SUBSCRIBE_CLIENT_H_
#define CTI_SERVER_TESTING_SUBSCRIBE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "cti/v1/event_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/testing/server_fixture.h"

namespace cti::server::testing {

// One open Subscribe stream.
struct Stream {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<cti::v1::SubscribeResponse>> reader;

  // Reads records (alone or in batches; skipping heartbeats) until one at or past
  // `position`; false if the stream ends first.
  bool ReadThrough(uint64_t position, std::vector<cti::v1::LogRecord>* records) {
    cti::v1::SubscribeResponse response;
    while (reader->Read(&response)) {
      if (response.has_record()) {
        records->push_back(response.record());
      } else if (response.has_batch()) {
        for (const cti::v1::LogRecord& record : response.batch().records()) {
          records->push_back(record);
        }
      } else {
        continue;
      }
      if (records->back().position() >= position) return true;
    }
    return false;
  }
};

// Opens a stream over `channel` (the fixture's when null) and waits until the server
// has registered it.
inline Stream Subscribe(ServerFixture& fixture, cti::v1::SubscribeRequest request,
                        std::shared_ptr<grpc::Channel> channel = nullptr,
                        absl::Duration timeout = absl::Seconds(60)) {
  Stream stream;
  stream.context = NewContext(true, timeout);
  if (channel == nullptr) channel = fixture.channel();
  auto stub = cti::v1::EventService::NewStub(channel);
  stream.reader = stub->Subscribe(stream.context.get(), request);
  // The server registers the stream before it sends the initial metadata.
  stream.reader->WaitForInitialMetadata();
  return stream;
}

// Asserts `records` are exactly positions first..last, each once, in order.
inline void ExpectDense(const std::vector<cti::v1::LogRecord>& records, uint64_t first,
                        uint64_t last) {
  ASSERT_EQ(records.size(), last - first + 1);
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].position(), first + i) << "gap or duplicate at index " << i;
  }
}

}  // namespace cti::server::testing

#endif  // CTI_SERVER_TESTING_SUBSCRIBE_CLIENT_H_
