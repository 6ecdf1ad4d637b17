"""The returns domain: policies, returns (RMAs), exchanges and claims."""
