"""What the tests share: who speaks (personas), where they live (the test street), and the helpers that look
into the test database or drive the worker. Test modules import from here instead of defining their own copies."""
