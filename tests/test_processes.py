"""The process helpers of tests/processes.py start what they say, on loopback, and stop it."""

import pytest
import requests

from tests.processes import NEEDS_A_SERVER, CeleryWorker, GunicornNode, RedisServer, TwilioStub, product_env

pytestmark = NEEDS_A_SERVER


def test_redis_gunicorn_worker_and_twilio_stub_start_and_stop(tmp_path):
    with RedisServer(tmp_path) as redis, TwilioStub() as twilio:
        assert redis.ping()
        env = product_env(redis=redis, twilio=twilio)
        with GunicornNode(tmp_path / "web.log", env, workers=1) as web, CeleryWorker(tmp_path / "worker.log", env):
            assert web.url.startswith("http://127.0.0.1:")
            response = requests.get(web.url + "/account/login/", timeout=10)
            assert response.status_code == 200, web.log_text()
        with pytest.raises(requests.ConnectionError):
            requests.get(web.url + "/account/login/", timeout=2)
        redis.kill()
        assert not redis.ping()
        redis.start()  # the same port, empty
        assert redis.ping()
