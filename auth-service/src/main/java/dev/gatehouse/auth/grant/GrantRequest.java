package dev.gatehouse.auth.grant;

import java.util.Map;

/** The token request's form parameters (first value of each) and the caller's address. */
public record GrantRequest(Map<String, String> parameters, String clientAddress) {

    public String parameter(String name) {
        return parameters.get(name);
    }

    public String required(String name) {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            throw GrantException.invalidRequest("parameter " + name + " is required");
        }
        return value;
    }

    @Override
    public String toString() {
        return "GrantRequest[grant_type=" + parameters.get("grant_type") + ", from " + clientAddress + "]";
    }
}
