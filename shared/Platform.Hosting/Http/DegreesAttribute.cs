using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Hosting.Http;

/// <summary>An angle in degrees from <paramref name="min"/> to <paramref name="max"/> (a latitude: -90 to 90; a longitude: -180 to 180), a JSON number.</summary>
public sealed class DegreesAttribute(double min, double max) : FieldRuleAttribute
{
    public double Min { get; } = min;

    public double Max { get; } = max;

    public override object? Check(string field, object value, bool required, Validation validation)
    {
        var degrees = (double)value;
        if (!double.IsFinite(degrees) || degrees < Min || degrees > Max)
        {
            validation.Add(field, string.Create(CultureInfo.InvariantCulture, $"must be a number of degrees from {Min} to {Max}"));
        }

        return value;
    }

    public override void Describe(JsonObject schema)
    {
        schema["minimum"] = Min;
        schema["maximum"] = Max;
    }
}
