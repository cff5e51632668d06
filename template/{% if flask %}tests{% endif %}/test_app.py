from flask.testing import FlaskClient


def test_openapi_document_describes_the_api(client: FlaskClient) -> None:
    document = client.get("/openapi.json").json
    assert document is not None
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/users", "/api/v1/auth/login", "/api/v1/items/{item_id}"} <= set(
        document["paths"]
    )
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    item = document["paths"]["/api/v1/items/{item_id}"]["get"]
    assert item["security"] == [{"HTTPBearer": []}]


def test_docs_page_is_served(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
