using System.Runtime.CompilerServices;

// The contract attributes moved to TypedSse.Client, which servers and .NET clients share.
[assembly: TypeForwardedTo(typeof(TypedSse.EventStreamAttribute))]
[assembly: TypeForwardedTo(typeof(TypedSse.EventNameAttribute))]
