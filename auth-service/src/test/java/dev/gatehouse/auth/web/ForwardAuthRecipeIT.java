package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.ForwardAuthRecipe;
import dev.gatehouse.auth.support.ProxyTraffic;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What every proxy's forward-auth recipe must show, whichever proxy runs it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ForwardAuthRecipeIT {

    /** The class's recipe, registered as its extension. */
    abstract ForwardAuthRecipe recipe();

    @Test
    void aClientCannotSetItsOwnIdentityHeaders() throws Exception {
        assertThat(ProxyTraffic.withForgedIdentityHeaders(recipe().proxy().port(),
                recipe().service().clientCredentialsToken()))
                .matches(ProxyTraffic.IDENTITY);
    }

    /** Last: the other tests need Redis, and it takes a moment to be back. */
    @Order(Integer.MAX_VALUE)
    @Test
    void aRedisOutageReachesTheClientAs503WithRetryAfterNot500() throws Exception {
        HttpResponse<String> response = ProxyTraffic.duringRedisOutage(recipe().service(), recipe().proxy().port());

        assertThat(response.statusCode()).as(recipe().proxy().log()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains(Problems.UNAVAILABLE_RETRY_AFTER);
    }
}
