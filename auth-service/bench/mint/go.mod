module gatehouse.dev/auth-service/bench/mint

go 1.21
